import { type Request, type Response, Router } from 'express';
import type { EmulatorState } from '../emulator-state.ts';
import type { Issue, Repository } from '../state/model.ts';
import { authorizeWrite, canPush, visibleRepo } from './access.ts';
import { viewerOf } from './auth.ts';
import { ApiError, notFound, type ValidationError, validationFailed } from './errors.ts';
import { paginate } from './pagination.ts';
import { jsonBody, pathParam, queryChoice, queryString } from './params.ts';
import { sendJson } from './respond.ts';
import { renderContext } from './serializers/context.ts';
import { renderIssue } from './serializers/issues.ts';
import { sortItems } from './sort.ts';

const CREATE_ISSUE_DOCS = 'https://docs.github.com/rest/issues/issues#create-an-issue';

/** List, get and create issues. Pull requests are issues too and show up here, as on GitHub. */
export function issueRoutes(state: EmulatorState): Router {
  const router = Router();

  router.get('/repos/:owner/:repo/issues', (req, res) => {
    const repo = issuesRepo(state, req, res);
    const ctx = renderContext(req, state.store, viewerOf(res));
    const issues = filterIssues(repo, req);
    sendJson(
      req,
      res,
      paginate(req, res, issues).map((issue) => renderIssue(ctx, repo, issue)),
    );
  });

  router.get('/repos/:owner/:repo/issues/:number', (req, res) => {
    const repo = issuesRepo(state, req, res);
    const issue = repo.issues.find((candidate) => String(candidate.number) === pathParam(req, 'number'));
    if (!issue) throw notFound();
    sendJson(req, res, renderIssue(renderContext(req, state.store, viewerOf(res)), repo, issue));
  });

  router.post('/repos/:owner/:repo/issues', (req, res) => {
    const repo = issuesRepo(state, req, res);
    const viewer = authorizeWrite(state, res, repo, { needsPush: false });
    // GitHub silently drops labels and assignees from people without push access.
    const pusher = canPush(state, viewer, repo);
    const input = parseNewIssue(state, repo, jsonBody(req));
    const labels = pusher
      ? [...new Set(input.labels.map((label) => state.store.ensureLabel(repo, label)))]
      : [];
    const issue = state.store.createIssue(repo, {
      title: input.title,
      body: input.body,
      author: viewer.user.login,
      assignees: pusher ? input.assignees : [],
      labels,
    });
    const rendered = renderIssue(renderContext(req, state.store, viewer), repo, issue);
    res.location(rendered.url);
    sendJson(req, res, rendered, 201);
  });

  return router;
}

/** The visible repository of an issues route; 410 when its issues are turned off, as on GitHub. */
function issuesRepo(state: EmulatorState, req: Request, res: Response): Repository {
  const repo = visibleRepo(state, res, pathParam(req, 'owner'), pathParam(req, 'repo'));
  if (!repo.hasIssues) throw new ApiError(410, 'Issues are disabled for this repo');
  return repo;
}

/** The filters and ordering of GET /repos/{owner}/{repo}/issues. */
function filterIssues(repo: Repository, req: Request): Issue[] {
  const state = queryChoice(req, 'state', ['open', 'closed', 'all'] as const, 'open');
  const labels =
    queryString(req, 'labels')
      ?.split(',')
      .map((label) => label.trim().toLowerCase()) ?? [];
  const assignee = queryString(req, 'assignee')?.toLowerCase();
  const creator = queryString(req, 'creator')?.toLowerCase();
  const since = queryString(req, 'since');
  const issues = repo.issues.filter((issue) => {
    if (state !== 'all' && issue.state !== state) return false;
    const issueLabels = issue.labels.map((label) => label.toLowerCase());
    if (!labels.every((label) => issueLabels.includes(label))) return false;
    if (assignee === 'none' && issue.assignees.length > 0) return false;
    if (assignee === '*' && issue.assignees.length === 0) return false;
    if (assignee && assignee !== 'none' && assignee !== '*') {
      if (!issue.assignees.some((login) => login.toLowerCase() === assignee)) return false;
    }
    if (creator && issue.author.toLowerCase() !== creator) return false;
    return since === undefined || issue.updatedAt >= since;
  });
  const sort = queryChoice(req, 'sort', ['created', 'updated', 'comments'] as const, 'created');
  const direction = queryChoice(req, 'direction', ['asc', 'desc'] as const, 'desc');
  const keys: Record<typeof sort, (issue: Issue) => string | number> = {
    created: (issue) => issue.number,
    updated: (issue) => issue.updatedAt,
    comments: (issue) => issue.comments,
  };
  return sortItems(issues, keys[sort], direction);
}

interface NewIssueInput {
  title: string;
  body: string | null;
  labels: string[];
  assignees: string[];
}

/** Validates a create-issue body, collecting every problem into one 422 as GitHub does. */
function parseNewIssue(state: EmulatorState, repo: Repository, body: Record<string, unknown>): NewIssueInput {
  const errors: ValidationError[] = [];
  const invalid = (field: string, value: unknown) =>
    errors.push({ resource: 'Issue', code: 'invalid', field, value });

  const { title } = body;
  if (title === undefined || title === null || title === '') {
    errors.push({ resource: 'Issue', code: 'missing_field', field: 'title' });
  } else if (typeof title !== 'string' && typeof title !== 'number') {
    invalid('title', title);
  }
  if (body.body !== undefined && body.body !== null && typeof body.body !== 'string')
    invalid('body', body.body);

  const labels = stringList(body.labels, (label) =>
    typeof label === 'object' && label !== null && 'name' in label ? label.name : label,
  );
  if (labels === null) invalid('labels', body.labels);

  // `assignee` is the deprecated single-assignee spelling GitHub still accepts.
  const requested = body.assignees ?? (body.assignee ? [body.assignee] : []);
  const assignees = stringList(requested, (login) => login);
  if (assignees === null) invalid('assignees', requested);
  for (const login of assignees ?? []) {
    // Only people with push access can be assigned.
    const user = state.store.user(login);
    const permission = user ? state.store.permission(user.login, repo) : null;
    if (permission !== 'admin' && permission !== 'write') invalid('assignees', login);
  }

  if (errors.length > 0) throw validationFailed(errors, CREATE_ISSUE_DOCS);
  return {
    title: String(title),
    body: typeof body.body === 'string' ? body.body : null,
    labels: labels ?? [],
    assignees: [...new Set((assignees ?? []).map((login) => state.store.user(login)!.login))],
  };
}

/** An array of strings after `pick`; null when the value is not such an array. Absent reads as []. */
function stringList(value: unknown, pick: (item: unknown) => unknown): string[] | null {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return null;
  const picked = value.map(pick);
  return picked.every((item): item is string => typeof item === 'string') ? picked : null;
}

import { type Request, Router } from 'express';
import type { EmulatorState } from '../emulator-state.ts';
import type { Branch, Repository } from '../state/model.ts';
import { authorizeWrite, visibleRepo } from './access.ts';
import { viewerOf } from './auth.ts';
import { notFound, type ValidationError, validationFailed } from './errors.ts';
import { paginate } from './pagination.ts';
import { jsonBody, pathParam, queryChoice, queryString } from './params.ts';
import { sendJson } from './respond.ts';
import { renderContext } from './serializers/context.ts';
import { isPullRequest, renderPull } from './serializers/pulls.ts';
import { sortItems } from './sort.ts';

const CREATE_PULL_DOCS = 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request';

/** List, get and open pull requests between branches of the same repository (forks are not emulated). */
export function pullRoutes(state: EmulatorState): Router {
  const router = Router();

  router.get('/repos/:owner/:repo/pulls', (req, res) => {
    const repo = visibleRepo(state, res, pathParam(req, 'owner'), pathParam(req, 'repo'));
    const ctx = renderContext(req, state.store, viewerOf(res));
    const pulls = filterPulls(repo, req);
    sendJson(
      req,
      res,
      paginate(req, res, pulls).map((pull) => renderPull(ctx, repo, pull)),
    );
  });

  router.get('/repos/:owner/:repo/pulls/:number', (req, res) => {
    const repo = visibleRepo(state, res, pathParam(req, 'owner'), pathParam(req, 'repo'));
    const pull = repo.issues
      .filter(isPullRequest)
      .find((issue) => String(issue.number) === pathParam(req, 'number'));
    if (!pull) throw notFound();
    sendJson(req, res, renderPull(renderContext(req, state.store, viewerOf(res)), repo, pull));
  });

  router.post('/repos/:owner/:repo/pulls', (req, res) => {
    const repo = visibleRepo(state, res, pathParam(req, 'owner'), pathParam(req, 'repo'));
    const viewer = authorizeWrite(state, res, repo, { needsPush: true });
    const input = parseNewPull(repo, jsonBody(req));
    const issue = state.store.createPullRequest(repo, { ...input, author: viewer.user.login });
    const rendered = renderPull(renderContext(req, state.store, viewer), repo, issue);
    res.location(rendered.url);
    sendJson(req, res, rendered, 201);
  });

  return router;
}

function filterPulls(repo: Repository, req: Request) {
  const state = queryChoice(req, 'state', ['open', 'closed', 'all'] as const, 'open');
  const head = queryString(req, 'head');
  const base = queryString(req, 'base');
  const pulls = repo.issues.filter(isPullRequest).filter((issue) => {
    if (state !== 'all' && issue.state !== state) return false;
    if (head && `${repo.owner}:${issue.pull.head}`.toLowerCase() !== head.toLowerCase()) return false;
    return !base || issue.pull.base === base;
  });
  const sort = queryChoice(req, 'sort', ['created', 'updated'] as const, 'created');
  const direction = queryChoice(req, 'direction', ['asc', 'desc'] as const, 'desc');
  return sortItems(pulls, (issue) => (sort === 'created' ? issue.number : issue.updatedAt), direction);
}

interface NewPullInput {
  title: string;
  body: string | null;
  head: Branch;
  base: Branch;
  draft: boolean;
}

/**
 * Validates a create-pull-request body in GitHub's order: fields, then an open duplicate, then
 * whether the head has any commit the base lacks.
 */
function parseNewPull(repo: Repository, body: Record<string, unknown>): NewPullInput {
  const errors: ValidationError[] = [];
  const missing = (field: string) => errors.push({ resource: 'PullRequest', code: 'missing_field', field });
  const invalid = (field: string) => errors.push({ resource: 'PullRequest', code: 'invalid', field });

  const { title, head: headRef, base: baseRef } = body;
  if (typeof title !== 'string' || title === '') missing('title');
  const head = typeof headRef === 'string' ? findHead(repo, headRef) : undefined;
  if (typeof headRef !== 'string' || headRef === '') missing('head');
  else if (!head) invalid('head');
  const base =
    typeof baseRef === 'string' ? repo.branches.find((branch) => branch.name === baseRef) : undefined;
  if (typeof baseRef !== 'string' || baseRef === '') missing('base');
  else if (!base) invalid('base');
  if (errors.length > 0 || !head || !base) throw validationFailed(errors, CREATE_PULL_DOCS);

  const duplicate = repo.issues.some(
    (issue) => issue.state === 'open' && issue.pull?.head === head.name && issue.pull.base === base.name,
  );
  if (duplicate) {
    throw custom(`A pull request already exists for ${repo.owner}:${head.name}.`);
  }
  if (commitsAhead(head, base) === 0) throw custom(`No commits between ${base.name} and ${head.name}`);

  return {
    title: String(title),
    body: typeof body.body === 'string' ? body.body : null,
    head,
    base,
    draft: body.draft === true,
  };
}

/** `head` is a branch name, or `owner:branch` naming this repository's owner. */
function findHead(repo: Repository, ref: string): Branch | undefined {
  const [owner, branch] = ref.includes(':') ? ref.split(':', 2) : [repo.owner, ref];
  if (owner?.toLowerCase() !== repo.owner.toLowerCase()) return undefined;
  return repo.branches.find((candidate) => candidate.name === branch);
}

/**
 * The emulator keeps no commit graph: a branch's `ahead` counts commits the default branch lacks,
 * and two branches at the same sha have nothing between them.
 */
function commitsAhead(head: Branch, base: Branch): number {
  return head.sha === base.sha ? 0 : head.ahead;
}

function custom(message: string) {
  return validationFailed([{ resource: 'PullRequest', code: 'custom', message }], CREATE_PULL_DOCS);
}

import { type Request, Router } from 'express';
import type { EmulatorState } from '../emulator-state.ts';
import type { Repository } from '../state/model.ts';
import { acceptScopes, requireViewer, type Viewer, viewerHasScope, viewerOf } from './auth.ts';
import { notFound, validationFailed } from './errors.ts';
import { paginate } from './pagination.ts';
import { queryChoice, queryString } from './params.ts';
import { sendJson } from './respond.ts';
import { renderUser } from './serializers/accounts.ts';
import { renderContext } from './serializers/context.ts';
import { renderRepo } from './serializers/repos.ts';
import { sortItems } from './sort.ts';

type Affiliation = 'owner' | 'collaborator' | 'organization_member';

const ALL_AFFILIATIONS: Affiliation[] = ['owner', 'collaborator', 'organization_member'];

/** GET /user, GET /users/{username} and GET /user/repos. */
export function userRoutes(state: EmulatorState): Router {
  const router = Router();

  router.get('/user', (req, res) => {
    const viewer = requireViewer(res);
    acceptScopes(res);
    sendJson(req, res, renderUser(renderContext(req, state.store, viewer), viewer.user, true));
  });

  router.get('/users/:username', (req, res) => {
    const user = state.store.user(String(req.params.username));
    if (!user) throw notFound();
    sendJson(req, res, renderUser(renderContext(req, state.store, viewerOf(res)), user, false));
  });

  router.get('/user/repos', (req, res) => {
    const viewer = requireViewer(res);
    acceptScopes(res);
    const repos = listViewerRepos(state, viewer, req);
    const ctx = renderContext(req, state.store, viewer);
    sendJson(
      req,
      res,
      paginate(req, res, repos).map((repo) => renderRepo(ctx, repo)),
    );
  });

  return router;
}

/**
 * The filtering and ordering of GET /user/repos. Private repositories only appear for tokens with the
 * `repo` scope; `type` is the older spelling of visibility + affiliation and may not be combined with them.
 */
function listViewerRepos(state: EmulatorState, viewer: Viewer, req: Request): Repository[] {
  const type = queryString(req, 'type');
  const visibilityParam = queryString(req, 'visibility');
  const affiliationParam = queryString(req, 'affiliation');
  if (type && (visibilityParam || affiliationParam)) {
    throw validationFailed([
      {
        resource: 'Repository',
        code: 'invalid',
        field: 'type',
        message: 'type cannot be combined with visibility or affiliation',
      },
    ]);
  }
  let visibility = queryChoice(req, 'visibility', ['all', 'public', 'private'] as const, 'all');
  let affiliations = affiliationParam
    ? ALL_AFFILIATIONS.filter((affiliation) => affiliationParam.split(',').includes(affiliation))
    : ALL_AFFILIATIONS;
  if (type === 'owner') affiliations = ['owner'];
  if (type === 'member') affiliations = ['collaborator', 'organization_member'];
  if (type === 'public' || type === 'private') visibility = type;

  const login = viewer.user.login.toLowerCase();
  const affiliationOf = (repo: Repository): Affiliation | null => {
    if (repo.owner.toLowerCase() === login) return 'owner';
    if (repo.collaborators.some((collaborator) => collaborator.toLowerCase() === login))
      return 'collaborator';
    const owner = state.store.account(repo.owner);
    if (owner?.kind === 'Organization' && state.store.isOrgMember(owner, login)) return 'organization_member';
    return null;
  };
  const includePrivate = viewerHasScope(viewer, 'repo');
  const repos = state.store.repos().filter((repo) => {
    const affiliation = affiliationOf(repo);
    if (!affiliation || !affiliations.includes(affiliation)) return false;
    if (repo.private && !includePrivate) return false;
    return visibility === 'all' || (visibility === 'private') === repo.private;
  });

  const sort = queryChoice(req, 'sort', ['created', 'updated', 'pushed', 'full_name'] as const, 'full_name');
  const direction = queryChoice(
    req,
    'direction',
    ['asc', 'desc'] as const,
    sort === 'full_name' ? 'asc' : 'desc',
  );
  const keys: Record<typeof sort, (repo: Repository) => string> = {
    created: (repo) => repo.createdAt,
    updated: (repo) => repo.updatedAt,
    pushed: (repo) => repo.pushedAt,
    full_name: (repo) => `${repo.owner}/${repo.name}`.toLowerCase(),
  };
  return sortItems(repos, keys[sort], direction);
}

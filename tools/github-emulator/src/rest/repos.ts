import { Router } from 'express';
import type { EmulatorState } from '../emulator-state.ts';
import { visibleRepo } from './access.ts';
import { viewerOf } from './auth.ts';
import { ApiError } from './errors.ts';
import { paginate } from './pagination.ts';
import { pathParam, queryString } from './params.ts';
import { sendJson } from './respond.ts';
import { renderContext } from './serializers/context.ts';
import { renderBranch, renderRepo } from './serializers/repos.ts';

/** GET /repos/{owner}/{repo} and its branches. */
export function repoRoutes(state: EmulatorState): Router {
  const router = Router();

  router.get('/repos/:owner/:repo', (req, res) => {
    const repo = visibleRepo(state, res, pathParam(req, 'owner'), pathParam(req, 'repo'));
    sendJson(req, res, renderRepo(renderContext(req, state.store, viewerOf(res)), repo, true));
  });

  router.get('/repos/:owner/:repo/branches', (req, res) => {
    const repo = visibleRepo(state, res, pathParam(req, 'owner'), pathParam(req, 'repo'));
    const protectedFilter = queryString(req, 'protected');
    const branches = repo.branches.filter(
      (branch) => protectedFilter === undefined || branch.protected === (protectedFilter === 'true'),
    );
    const ctx = renderContext(req, state.store, viewerOf(res));
    sendJson(
      req,
      res,
      paginate(req, res, branches).map((branch) => renderBranch(ctx, repo, branch)),
    );
  });

  router.get('/repos/:owner/:repo/branches/:branch', (req, res) => {
    const repo = visibleRepo(state, res, pathParam(req, 'owner'), pathParam(req, 'repo'));
    const branch = repo.branches.find((candidate) => candidate.name === pathParam(req, 'branch'));
    if (!branch) throw new ApiError(404, 'Branch not found');
    sendJson(req, res, renderBranch(renderContext(req, state.store, viewerOf(res)), repo, branch));
  });

  return router;
}

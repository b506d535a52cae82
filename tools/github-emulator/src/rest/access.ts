import type { Response } from 'express';
import type { EmulatorState } from '../emulator-state.ts';
import type { Repository } from '../state/model.ts';
import { acceptScopes, requireViewer, type Viewer, viewerHasScope, viewerOf } from './auth.ts';
import { ApiError, notFound } from './errors.ts';

/**
 * Whether the caller can see a repository. Private ones need access (owner, collaborator or org
 * member) and a token with the `repo` scope; GitHub hides them entirely from anyone else.
 */
export function canSeeRepo(state: EmulatorState, viewer: Viewer | null, repo: Repository): boolean {
  if (!repo.private) return true;
  if (!viewer || !viewerHasScope(viewer, 'repo')) return false;
  return state.store.permission(viewer.user.login, repo) !== null;
}

/** The repository named in the path, or the 404 GitHub gives for both missing and hidden ones. */
export function visibleRepo(state: EmulatorState, res: Response, owner: string, name: string): Repository {
  acceptScopes(res, 'repo');
  const repo = state.store.repo(owner, name);
  if (!repo || !canSeeRepo(state, viewerOf(res), repo)) throw notFound();
  return repo;
}

export function canPush(state: EmulatorState, viewer: Viewer, repo: Repository): boolean {
  const permission = state.store.permission(viewer.user.login, repo);
  return permission === 'admin' || permission === 'write';
}

/**
 * Checks that the caller may write to a visible repository: signed in, with `public_repo` or `repo`
 * (private ones were already filtered by `repo`), and the repository not archived. `needsPush`
 * additionally requires push access, as opening a pull request between its own branches does.
 */
export function authorizeWrite(
  state: EmulatorState,
  res: Response,
  repo: Repository,
  options: { needsPush: boolean },
): Viewer {
  const viewer = requireViewer(res);
  acceptScopes(res, ...(repo.private ? ['repo'] : ['public_repo', 'repo']));
  if (!viewerHasScope(viewer, repo.private ? 'repo' : 'public_repo')) {
    throw new ApiError(403, 'Resource not accessible by integration');
  }
  if (repo.archived) throw new ApiError(403, 'Repository was archived so is read-only.');
  if (options.needsPush && !canPush(state, viewer, repo)) {
    throw new ApiError(403, 'Resource not accessible by integration');
  }
  return viewer;
}

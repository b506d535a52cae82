import type { RequestHandler, Response } from 'express';
import type { EmulatorState } from '../emulator-state.ts';
import { hasScope, scopesHeader } from '../oauth/scopes.ts';
import type { AccessToken } from '../oauth/tokens.ts';
import type { User } from '../state/model.ts';
import { ApiError } from './errors.ts';

/** The authenticated caller of a REST request. */
export interface Viewer {
  user: User;
  token: AccessToken;
}

const VIEWER = 'githubEmulatorViewer';

/**
 * Resolves `Authorization: Bearer <token>` or `token <token>`. No header means an anonymous caller
 * (GitHub serves public data to those); a header with an unknown or expired token is a 401.
 */
export function authenticate(state: EmulatorState): RequestHandler {
  return (req, res, next) => {
    res.locals[VIEWER] = null;
    const header = req.get('authorization');
    if (header === undefined) return next();
    const match = /^(?:bearer|token)\s+(\S+)\s*$/i.exec(header);
    const token = match ? state.tokens.findActive(match[1]!) : undefined;
    const user = token ? state.store.user(token.login) : undefined;
    if (!token || !user) return next(new ApiError(401, 'Bad credentials'));
    res.locals[VIEWER] = { user, token } satisfies Viewer;
    res.set('X-OAuth-Scopes', scopesHeader(token.scopes));
    next();
  };
}

export function viewerOf(res: Response): Viewer | null {
  return (res.locals[VIEWER] as Viewer | null | undefined) ?? null;
}

/** For endpoints about "the authenticated user": anonymous callers get GitHub's 401. */
export function requireViewer(res: Response): Viewer {
  const viewer = viewerOf(res);
  if (!viewer) throw new ApiError(401, 'Requires authentication');
  return viewer;
}

/** Announces the scopes an endpoint checks, as GitHub's `X-Accepted-OAuth-Scopes` does. */
export function acceptScopes(res: Response, ...scopes: string[]): void {
  res.set('X-Accepted-OAuth-Scopes', scopesHeader(scopes));
}

export function viewerHasScope(viewer: Viewer | null, scope: string): boolean {
  return viewer !== null && hasScope(viewer.token.scopes, scope);
}

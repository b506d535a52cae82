import { startAccountSignIn } from './authorization/account-sign-in.ts';
import { completeUpstreamLogin } from './authorization/complete.ts';
import { decideConsent } from './authorization/decide.ts';
import type { AuthorizationDeps } from './authorization/deps.ts';
import { startAuthorization } from './authorization/start.ts';
import { endSession, getSession } from './sessions/account.ts';
import { getUpstreamToken, refreshUpstreamToken } from './upstream/upstream-token.ts';

/**
 * The identity service's operations bound to their dependencies; no I/O of its own, so tests can
 * build it from real stores. The bus handlers (bus/handlers.ts) are its only transport.
 */
export function createIdentity(deps: AuthorizationDeps) {
  return {
    startAuthorization: startAuthorization.bind(null, deps),
    completeUpstreamLogin: completeUpstreamLogin.bind(null, deps),
    startAccountSignIn: startAccountSignIn.bind(null, deps),
    decideConsent: decideConsent.bind(null, deps),
    getSession: getSession.bind(null, deps.sessions),
    endSession: endSession.bind(null, deps),
    getUpstreamToken: getUpstreamToken.bind(null, deps),
    refreshUpstreamToken: refreshUpstreamToken.bind(null, deps),
  };
}

export type Identity = ReturnType<typeof createIdentity>;

import { BusError } from '@gatehouse/bus';
import { type ClientReturn, refuseToClient } from '../errors.ts';
import { emitEvent } from '../events.ts';
import type { Deadline, Origin } from '../request.ts';
import { newOpaqueId } from '../secrets.ts';
import type { Session } from '../sessions/sessions.ts';
import { clientRedirectUrl } from './client-redirect.ts';
import { consentPage } from './consent-page.ts';
import type { AuthorizationDeps } from './deps.ts';
import type { PendingRequest } from './pending-request.ts';
import type { AuthorizationStep } from './step.ts';

/**
 * The person is signed in: approve at once when an earlier consent covers the request (unless
 * `prompt=consent`), else show the consent page bound to this session with a fresh CSRF token.
 * `pendingId` is set when the request was already stored (coming back from GitHub).
 */
export async function continueSignedIn(
  deps: AuthorizationDeps,
  request: { pending: PendingRequest; pendingId?: string },
  session: Session,
  origin: Origin,
  call: Deadline,
): Promise<AuthorizationStep> {
  const { pending, pendingId } = request;
  const returnTo = returnToClient(pending);
  const user = { id: session.userId, githubLogin: session.githubLogin };
  const covered =
    !pending.prompt.includes('consent') &&
    (await deps.consents.cover(user.id, pending.client.id, pending.scopes));
  if (covered) {
    if (pendingId) await deps.pending.delete(pendingId);
    emitEvent(deps.events, 'identity.consent.granted', {
      outcome: 'success',
      origin,
      user,
      clientId: pending.client.id,
      details: { scopes: pending.scopes.join(' '), remembered: true },
    });
    return { redirectTo: await issueCode(deps, pending, user, origin, call) };
  }
  if (pending.prompt.includes('none')) {
    throw refuseToClient(
      returnTo,
      'consent_required',
      'The person has not approved this client for these scopes.',
    );
  }
  const bound = {
    ...pending,
    consent: {
      userId: user.id,
      githubLogin: user.githubLogin,
      avatarUrl: session.avatarUrl,
      session: session.digest,
      csrfToken: newOpaqueId(),
    },
  };
  const id = pendingId ?? newOpaqueId();
  if (pendingId === undefined) {
    await deps.pending.create(id, bound, deps.pendingTtlMs);
  } else if (!(await deps.pending.update(id, bound))) {
    throw refuseToClient(
      returnTo,
      'access_denied',
      'The authorization request expired before sign-in finished.',
    );
  }
  return { consent: consentPage(id, bound) };
}

/** Asks the token service for a single-use code and sends it to the client with `state` and `iss`. */
export async function issueCode(
  deps: AuthorizationDeps,
  pending: PendingRequest,
  user: { id: string; githubLogin: string },
  origin: Origin,
  call: Deadline,
): Promise<string> {
  const returnTo = returnToClient(pending);
  let code: string;
  try {
    code = await deps.codes.issue(
      {
        clientId: pending.client.id,
        redirectUri: pending.redirectUri,
        codeChallenge: pending.codeChallenge,
        scopes: pending.scopes,
        resource: pending.resource,
        userId: user.id,
        githubLogin: user.githubLogin,
        origin,
      },
      call,
    );
  } catch (error) {
    if (!(error instanceof BusError)) throw error;
    // RFC 6749 §4.1.2.1: the client learns the server could not answer, not why.
    const unavailable = error.code === 'unavailable' || error.code === 'temporarily_unavailable';
    throw refuseToClient(
      returnTo,
      unavailable ? 'temporarily_unavailable' : 'server_error',
      'The authorization code could not be issued; try again.',
      `issue_code_${error.code}`,
    );
  }
  return clientRedirectUrl(deps.policy.issuer, returnTo, { code });
}

export function returnToClient(pending: PendingRequest): ClientReturn {
  return { redirectUri: pending.redirectUri, state: pending.state };
}

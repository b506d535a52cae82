import { type AuthorizationErrorCode, refuseOnPage, refuseToClient } from '../errors.ts';
import type { Deadline, Origin } from '../request.ts';
import { digest, isOpaqueId, secretsEqual } from '../secrets.ts';
import { completeAccountSignIn, SIGN_IN_AGAIN } from './account-sign-in.ts';
import { answer } from './answer.ts';
import type { AuthorizationDeps } from './deps.ts';
import { continueSignedIn, returnToClient } from './signed-in.ts';
import type { AuthorizationStep } from './step.ts';
import { openSignedInSession, personFromCallback } from './upstream-login.ts';

export interface CompleteUpstreamLoginInput {
  /** The query GitHub sent the browser back with: `code` and `state`, or `error`. */
  params: Readonly<Record<string, string>>;
  sessionId: string;
  origin: Origin;
}

const START_AGAIN = 'Start again from the application.';

/**
 * GET /oauth/callback/github: take the single-use state, exchange GitHub's code (with our PKCE
 * verifier), upsert the person, store their GitHub token encrypted, open a new login session, and
 * continue to consent (or straight to the client when consent is remembered). A sign-in started on
 * /account continues in account-sign-in.ts instead.
 */
export function completeUpstreamLogin(
  deps: AuthorizationDeps,
  input: CompleteUpstreamLoginInput,
  call: Deadline,
): Promise<AuthorizationStep> {
  return answer(deps, 'identity.login.failed', input.origin, async (audit) => {
    const state = input.params.state ?? '';
    const upstream = isOpaqueId(state) ? await deps.upstreamStates.take(state) : null;
    if (!upstream) {
      throw refuseOnPage(
        'invalid_request',
        `This sign-in link is invalid, expired or already used. ${START_AGAIN}`,
        'upstream_state_unknown',
      );
    }
    if (upstream.purpose === 'account') audit.purpose = 'account';
    if (!secretsEqual(upstream.browser, digest(input.sessionId))) {
      throw refuseOnPage(
        'access_denied',
        `This sign-in was started in another browser. ${audit.purpose ? SIGN_IN_AGAIN : START_AGAIN}`,
        'browser_mismatch',
      );
    }
    if (upstream.purpose === 'account') return completeAccountSignIn(deps, upstream, input, call, audit);

    const pending = await deps.pending.find(upstream.pendingId);
    if (!pending)
      throw refuseOnPage(
        'invalid_request',
        `This sign-in took too long. ${START_AGAIN}`,
        'pending_request_expired',
      );
    audit.clientId = pending.client.id;
    const returnTo = returnToClient(pending);
    // Past this point the client is answered, and its pending request is over.
    const fail = async (error: AuthorizationErrorCode, description: string, reason: string) => {
      await deps.pending.delete(upstream.pendingId);
      return refuseToClient(returnTo, error, description, reason);
    };

    const { user, tokens } = await personFromCallback(
      deps,
      input.params,
      upstream.codeVerifier,
      call.signal,
      fail,
      {
        declined: 'The person declined to sign in with GitHub.',
        exchangeFailed: 'Sign-in with GitHub failed; try again.',
      },
    );
    await deps.vault.store(user.id, tokens);
    const opened = await openSignedInSession(deps, user, input, audit, {
      clientId: pending.client.id,
      details: { github_id: user.githubId, github_scopes: tokens.scopes.join(' ') },
    });

    const next = await answer(deps, 'identity.authorization.rejected', input.origin, async (consentAudit) => {
      Object.assign(consentAudit, audit);
      return continueSignedIn(
        deps,
        { pending, pendingId: upstream.pendingId },
        opened.session,
        input.origin,
        call,
      );
    });
    return { ...next, setSession: { id: opened.id, maxAgeSeconds: opened.maxAgeSeconds } };
  });
}

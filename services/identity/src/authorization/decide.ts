import { refuseOnPage } from '../errors.ts';
import { emitEvent } from '../events.ts';
import type { Deadline, Origin } from '../request.ts';
import { isOpaqueId, secretsEqual } from '../secrets.ts';
import { answer } from './answer.ts';
import { clientRedirectUrl } from './client-redirect.ts';
import type { AuthorizationDeps } from './deps.ts';
import { issueCode, returnToClient } from './signed-in.ts';
import type { AuthorizationStep } from './step.ts';

export interface DecideConsentInput {
  pendingId: string;
  sessionId: string;
  csrfToken: string;
  approve: boolean;
  origin: Origin;
}

const START_AGAIN = 'Start again from the application.';

/**
 * POST /oauth/consent. The form must come from the session the page was shown in and carry that
 * page's CSRF token; the pending request is then taken (single use). Approval is remembered for
 * this person and client and answered with a code; denial with `access_denied`.
 */
export function decideConsent(
  deps: AuthorizationDeps,
  input: DecideConsentInput,
  call: Deadline,
): Promise<AuthorizationStep> {
  return answer(deps, 'identity.authorization.rejected', input.origin, async (audit) => {
    const pending = isOpaqueId(input.pendingId) ? await deps.pending.find(input.pendingId) : null;
    if (!pending?.consent) {
      throw refuseOnPage(
        'invalid_request',
        `This request has expired or was already answered. ${START_AGAIN}`,
        'pending_request_unknown',
      );
    }
    audit.clientId = pending.client.id;
    audit.user = { id: pending.consent.userId, githubLogin: pending.consent.githubLogin };
    const session = await deps.sessions.find(input.sessionId);
    if (
      !session ||
      !secretsEqual(session.digest, pending.consent.session) ||
      session.userId !== pending.consent.userId
    ) {
      throw refuseOnPage(
        'access_denied',
        `Your sign-in has ended or belongs to another request. ${START_AGAIN}`,
        'session_mismatch',
      );
    }
    if (!secretsEqual(input.csrfToken, pending.consent.csrfToken)) {
      throw refuseOnPage(
        'invalid_request',
        `The form has expired or did not come from this site. ${START_AGAIN}`,
        'csrf_mismatch',
      );
    }
    // Checked first, taken now: of two concurrent submissions, one wins.
    const taken = await deps.pending.take(input.pendingId);
    if (!taken?.consent || taken.consent.csrfToken !== pending.consent.csrfToken) {
      throw refuseOnPage(
        'invalid_request',
        `This request was already answered. ${START_AGAIN}`,
        'pending_request_taken',
      );
    }

    const user = { id: session.userId, githubLogin: session.githubLogin };
    const event = { origin: input.origin, user, clientId: taken.client.id };
    if (!input.approve) {
      emitEvent(deps.events, 'identity.consent.denied', {
        ...event,
        outcome: 'denied',
        reason: 'access_denied',
      });
      return {
        redirectTo: clientRedirectUrl(deps.policy.issuer, returnToClient(taken), {
          error: 'access_denied',
          error_description: 'The person denied access.',
        }),
      };
    }
    await deps.consents.remember(user.id, taken.client.id, taken.scopes);
    emitEvent(deps.events, 'identity.consent.granted', {
      ...event,
      outcome: 'success',
      details: { scopes: taken.scopes.join(' '), remembered: false },
    });
    return { redirectTo: await issueCode(deps, taken, user, input.origin, call) };
  });
}

import { AuthorizationError } from '../errors.ts';
import { emitEvent, type IdentityEventType } from '../events.ts';
import type { Origin } from '../request.ts';
import { clientRedirectUrl } from './client-redirect.ts';
import type { AuthorizationDeps } from './deps.ts';
import type { AuthorizationStep } from './step.ts';

/** Who and which client a step concerns, filled in as the step learns it, for its audit event. */
export interface AuditContext {
  origin: Origin;
  clientId?: string;
  user?: { id: string; githubLogin: string };
  /** Set for a sign-in from the connected-apps page, which has no client. */
  purpose?: 'account';
}

/**
 * Runs one step of the browser flow and turns an AuthorizationError into its answer, in one place:
 * an error page, or a redirect to the client with `error`, `error_description`, `state` and `iss`.
 * Every refusal leaves an audit event with its reason.
 */
export async function answer(
  deps: Pick<AuthorizationDeps, 'policy' | 'events'>,
  eventType: IdentityEventType,
  origin: Origin,
  run: (audit: AuditContext) => Promise<AuthorizationStep>,
): Promise<AuthorizationStep> {
  const audit: AuditContext = { origin };
  try {
    return await run(audit);
  } catch (error) {
    if (!(error instanceof AuthorizationError)) throw error;
    emitEvent(deps.events, eventType, {
      outcome: error.error === 'access_denied' ? 'denied' : 'failure',
      origin,
      clientId: audit.clientId,
      user: audit.user,
      reason: error.reason ?? error.error,
      details: {
        purpose: audit.purpose,
        error: error.error,
        description: error.description,
        redirected: error.returnTo !== undefined,
      },
    });
    if (!error.returnTo) return { errorPage: { error: error.error, description: error.description } };
    return {
      redirectTo: clientRedirectUrl(deps.policy.issuer, error.returnTo, {
        error: error.error,
        error_description: error.description,
      }),
    };
  }
}

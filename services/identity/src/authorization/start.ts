import { refuseToClient } from '../errors.ts';
import { emitEvent } from '../events.ts';
import type { Deadline, Origin } from '../request.ts';
import { answer } from './answer.ts';
import type { AuthorizationDeps } from './deps.ts';
import type { PendingRequest } from './pending-request.ts';
import { continueSignedIn, returnToClient } from './signed-in.ts';
import type { AuthorizationStep } from './step.ts';
import { githubTokenCovers, signInWithGitHub } from './upstream-login.ts';
import {
  type AuthorizationRequest,
  requireClientId,
  validateAuthorizationRequest,
} from './validate-request.ts';

export interface StartAuthorizationInput {
  /** The query of GET /oauth/authorize; repeated parameters were refused by the gateway. */
  params: Readonly<Record<string, string>>;
  /** The browser's session cookie, or ''. */
  sessionId: string;
  origin: Origin;
}

/**
 * GET /oauth/authorize: validate the request, then sign in with GitHub, or (already signed in) show
 * the consent page, or (consent remembered) redirect to the client with a code.
 */
export function startAuthorization(
  deps: AuthorizationDeps,
  input: StartAuthorizationInput,
  call: Deadline,
): Promise<AuthorizationStep> {
  return answer(deps, 'identity.authorization.rejected', input.origin, async (audit) => {
    const clientId = requireClientId(input.params);
    audit.clientId = clientId;
    const client = await deps.clients.resolve(clientId, call);
    const request = validateAuthorizationRequest(input.params, client, deps.policy);
    const pending = toPending(request);
    emitEvent(deps.events, 'identity.authorization.requested', {
      outcome: 'success',
      origin: input.origin,
      clientId,
      details: { scopes: pending.scopes.join(' '), prompt: pending.prompt.join(' ') || undefined },
    });

    // prompt=login and prompt=select_account send the person through GitHub again.
    const reauthenticate = pending.prompt.includes('login') || pending.prompt.includes('select_account');
    const session = reauthenticate ? null : await deps.sessions.find(input.sessionId);
    if (session && (await githubTokenCovers(deps, session.userId, pending.scopes))) {
      audit.user = { id: session.userId, githubLogin: session.githubLogin };
      return continueSignedIn(deps, { pending }, session, input.origin, call);
    }
    if (pending.prompt.includes('none')) {
      throw refuseToClient(returnToClient(pending), 'login_required', 'The person is not signed in.');
    }
    return signInWithGitHub(deps, pending, input.sessionId);
  });
}

/** What is kept of the client is what the consent page shows: it is not resolved again. */
function toPending({ client, ...request }: AuthorizationRequest): PendingRequest {
  return { ...request, client: { id: client.id, name: client.name, uri: client.uri, kind: client.kind } };
}

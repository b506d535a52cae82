import { refuseOnPage } from '../errors.ts';
import type { Deadline, Origin } from '../request.ts';
import type { UpstreamState } from '../store/ports.ts';
import type { AuditContext } from './answer.ts';
import type { AuthorizationDeps } from './deps.ts';
import type { AuthorizationStep } from './step.ts';
import { openSignedInSession, personFromCallback, redirectToGitHub } from './upstream-login.ts';

export interface StartAccountSignInInput {
  /** The browser's session cookie, or ''. */
  sessionId: string;
}

export const SIGN_IN_AGAIN = 'Sign in again from the Connected apps page.';

function accountUrl(deps: AuthorizationDeps): string {
  return `${deps.policy.issuer}/account`;
}

/**
 * GET /account/sign-in: sign in with GitHub with no authorization request behind it, to see one's
 * connected apps. A browser already signed in goes straight back to /account. GitHub is asked for
 * no scopes: the profile is public, and nothing the token could do is used.
 */
export async function startAccountSignIn(
  deps: AuthorizationDeps,
  input: StartAccountSignInInput,
): Promise<AuthorizationStep> {
  if (await deps.sessions.find(input.sessionId)) return { redirectTo: accountUrl(deps) };
  return redirectToGitHub(
    deps,
    input.sessionId,
    { purpose: 'account' },
    { scopes: [], selectAccount: false },
  );
}

/**
 * The GitHub callback of an account sign-in, after the state and the browser were checked. There is
 * no client to answer, so every refusal is an error page. Opens a new session and returns to
 * /account.
 */
export async function completeAccountSignIn(
  deps: AuthorizationDeps,
  upstream: Extract<UpstreamState, { purpose: 'account' }>,
  input: { params: Readonly<Record<string, string>>; sessionId: string; origin: Origin },
  call: Deadline,
  audit: AuditContext,
): Promise<AuthorizationStep> {
  // GitHub's token is deliberately not stored in the vault: it carries none of the scopes the
  // connected apps' tool calls rely on, and replacing the stored one would break them. It served
  // GET /user only and is dropped here.
  const { user } = await personFromCallback(
    deps,
    input.params,
    upstream.codeVerifier,
    call.signal,
    refuseOnPage,
    {
      declined: `You cancelled signing in with GitHub. ${SIGN_IN_AGAIN}`,
      exchangeFailed: `Sign-in with GitHub failed. ${SIGN_IN_AGAIN}`,
    },
  );

  const opened = await openSignedInSession(deps, user, input, audit, {
    details: { purpose: 'account', github_id: user.githubId },
  });
  return {
    redirectTo: accountUrl(deps),
    setSession: { id: opened.id, maxAgeSeconds: opened.maxAgeSeconds },
  };
}

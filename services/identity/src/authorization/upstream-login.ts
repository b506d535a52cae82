import { upstreamScopes } from '@gatehouse/proto';
import type { AuthorizationError, AuthorizationErrorCode } from '../errors.ts';
import { emitEvent } from '../events.ts';
import type { Origin } from '../request.ts';
import { digest, isOpaqueId, newOpaqueId } from '../secrets.ts';
import type { User } from '../store/ports.ts';
import { GitHubOAuthError, type UpstreamTokenSet } from '../upstream/github-oauth.ts';
import type { AuditContext } from './answer.ts';
import type { AuthorizationDeps } from './deps.ts';
import type { PendingRequest } from './pending-request.ts';
import type { AuthorizationStep } from './step.ts';

/**
 * Stores the request and sends the browser to sign in with GitHub for it (see `redirectToGitHub`).
 */
export async function signInWithGitHub(
  deps: AuthorizationDeps,
  pending: PendingRequest,
  browserCookie: string,
): Promise<AuthorizationStep> {
  const pendingId = newOpaqueId();
  await deps.pending.create(pendingId, pending, deps.pendingTtlMs);
  return redirectToGitHub(
    deps,
    browserCookie,
    { purpose: 'authorization', pendingId },
    {
      scopes: upstreamScopes(pending.scopes),
      selectAccount: pending.prompt.includes('login') || pending.prompt.includes('select_account'),
    },
  );
}

/**
 * Sends the browser to sign in with GitHub, with a state of our own (mapped to what it continues,
 * single use) and PKCE. The state is bound to the browser's cookie, so a callback carried to
 * another browser is refused (login CSRF, RFC 9700 §4.7.1); a browser without a cookie gets one
 * here.
 */
export async function redirectToGitHub(
  deps: Pick<AuthorizationDeps, 'github' | 'upstreamStates' | 'pendingTtlMs'>,
  browserCookie: string,
  continues: { purpose: 'authorization'; pendingId: string } | { purpose: 'account' },
  github: { scopes: readonly string[]; selectAccount: boolean },
): Promise<AuthorizationStep> {
  const state = newOpaqueId();
  const codeVerifier = newOpaqueId();
  const fresh = !isOpaqueId(browserCookie);
  const browser = fresh ? newOpaqueId() : browserCookie;
  await deps.upstreamStates.create(
    state,
    { ...continues, codeVerifier, browser: digest(browser) },
    deps.pendingTtlMs,
  );
  const redirectTo = deps.github.authorizeUrl({ state, codeVerifier, ...github });
  return fresh
    ? { redirectTo, setSession: { id: browser, maxAgeSeconds: Math.floor(deps.pendingTtlMs / 1000) } }
    : { redirectTo };
}

/** How a flow refuses at GitHub's callback: to the client, or on a page. */
export type RefuseAtCallback = (
  error: AuthorizationErrorCode,
  description: string,
  reason: string,
) => AuthorizationError | Promise<AuthorizationError>;

/**
 * Reads GitHub's answer on our callback: its error, or its code exchanged (with our PKCE verifier)
 * for the person, who is created or refreshed. Every refusal goes through `refuse`, with the
 * flow's own words for "declined" and "failed".
 */
export async function personFromCallback(
  deps: Pick<AuthorizationDeps, 'github' | 'users'>,
  params: Readonly<Record<string, string>>,
  codeVerifier: string,
  signal: AbortSignal,
  refuse: RefuseAtCallback,
  words: { declined: string; exchangeFailed: string },
): Promise<{ tokens: UpstreamTokenSet; user: User }> {
  const githubError = params.error;
  if (githubError) {
    throw githubError === 'access_denied'
      ? await refuse('access_denied', words.declined, 'access_denied')
      : await refuse(
          'server_error',
          'Sign-in with GitHub failed.',
          `github_${githubError.replace(/[^a-z_]/g, '').slice(0, 40)}`,
        );
  }
  const code = params.code;
  if (!code || code.length > 512) {
    throw await refuse(
      'server_error',
      'GitHub did not return an authorization code.',
      'upstream_code_missing',
    );
  }
  try {
    const tokens = await deps.github.exchangeCode(code, codeVerifier, signal);
    const profile = await deps.github.fetchProfile(tokens.accessToken, signal);
    const user = await deps.users.upsertByGitHubId({
      githubId: profile.id,
      githubLogin: profile.login,
      avatarUrl: profile.avatarUrl,
    });
    return { tokens, user };
  } catch (error) {
    if (!(error instanceof GitHubOAuthError)) throw error;
    throw await refuse(
      error.kind === 'unavailable' ? 'temporarily_unavailable' : 'server_error',
      words.exchangeFailed,
      error.reason,
    );
  }
}

/**
 * After GitHub said who signed in: a new session id (whatever the browser held before is ended,
 * against session fixation), the person on the audit context, and `identity.login.succeeded`.
 */
export async function openSignedInSession(
  deps: Pick<AuthorizationDeps, 'sessions' | 'events'>,
  user: User,
  browser: { sessionId: string; origin: Origin },
  audit: AuditContext,
  event: { clientId?: string; details: Record<string, string | number | boolean> },
): ReturnType<AuthorizationDeps['sessions']['open']> {
  if (browser.sessionId) await deps.sessions.end(browser.sessionId);
  const opened = await deps.sessions.open(user);
  audit.user = { id: user.id, githubLogin: user.githubLogin };
  emitEvent(deps.events, 'identity.login.succeeded', {
    outcome: 'success',
    origin: browser.origin,
    user: audit.user,
    ...event,
  });
  return opened;
}

/** Whether the person's stored GitHub token carries the GitHub scopes these scopes need. */
export async function githubTokenCovers(
  deps: Pick<AuthorizationDeps, 'vault'>,
  userId: string,
  scopes: PendingRequest['scopes'],
): Promise<boolean> {
  return tokenCovers(await deps.vault.scopes(userId), scopes);
}

export function tokenCovers(
  held: { scopes: readonly string[]; expiring: boolean } | null,
  scopes: PendingRequest['scopes'],
): boolean {
  if (!held) return false;
  // GitHub App user tokens (the expiring ones) carry no OAuth scopes: the app's permissions apply.
  if (held.scopes.length === 0 && held.expiring) return true;
  return upstreamScopes(scopes).every((scope) => held.scopes.includes(scope));
}

import { createHash } from 'node:crypto';

export interface GitHubOAuthOptions {
  /** https://github.com, https://HOST (GHES) or the emulator. */
  webUrl: string;
  /** https://api.github.com, https://HOST/api/v3 (GHES) or the emulator. */
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  /** Our callback, `${PUBLIC_URL}/oauth/callback/github`; must match the GitHub app's callback URL. */
  callbackUrl: string;
  timeoutMs: number;
}

/** A token pair from GitHub. OAuth App tokens do not expire and come without a refresh token. */
export interface UpstreamTokenSet {
  accessToken: string;
  refreshToken: string | null;
  scopes: string[];
  expiresAt: Date | null;
  refreshTokenExpiresAt: Date | null;
}

export interface GitHubProfile {
  /** GitHub's numeric account id: stable, unlike the login. */
  id: number;
  login: string;
  avatarUrl: string;
}

/**
 * `rejected`: GitHub answered and said no (a bad code, a dead refresh token): retrying will not help.
 * `unavailable`: GitHub could not be reached, timed out, failed, or answered something unreadable.
 * `reason` is a short code for logs and events, never a token or GitHub's free text.
 */
export class GitHubOAuthError extends Error {
  readonly kind: 'rejected' | 'unavailable';
  readonly reason: string;

  constructor(kind: 'rejected' | 'unavailable', reason: string, options?: { cause?: unknown }) {
    super(`GitHub ${kind}: ${reason}`, options);
    this.name = 'GitHubOAuthError';
    this.kind = kind;
    this.reason = reason;
  }
}

const MAX_RESPONSE_BYTES = 64 * 1024;
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,99})$/;

/**
 * GitHub's OAuth web flow as a client (https://docs.github.com/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps),
 * with PKCE S256, over plain fetch with a timeout. Redirects are never followed: the client secret
 * and tokens go to the configured host only.
 */
export class GitHubOAuth {
  readonly #options: GitHubOAuthOptions;
  readonly #now: () => number;

  constructor(options: GitHubOAuthOptions, now: () => number = Date.now) {
    this.#options = options;
    this.#now = now;
  }

  /** Where the browser signs in; `codeVerifier` stays with us, its S256 challenge goes to GitHub. */
  authorizeUrl(request: {
    state: string;
    codeVerifier: string;
    scopes: readonly string[];
    selectAccount: boolean;
  }) {
    const url = new URL(`${this.#options.webUrl}/login/oauth/authorize`);
    url.searchParams.set('client_id', this.#options.clientId);
    url.searchParams.set('redirect_uri', this.#options.callbackUrl);
    url.searchParams.set('scope', request.scopes.join(' '));
    url.searchParams.set('state', request.state);
    url.searchParams.set(
      'code_challenge',
      createHash('sha256').update(request.codeVerifier).digest('base64url'),
    );
    url.searchParams.set('code_challenge_method', 'S256');
    if (request.selectAccount) url.searchParams.set('prompt', 'select_account');
    return url.href;
  }

  /** Exchanges the code GitHub sent to our callback (with the PKCE verifier) for a token. */
  exchangeCode(code: string, codeVerifier: string, signal?: AbortSignal): Promise<UpstreamTokenSet> {
    return this.#token(
      { code, code_verifier: codeVerifier, redirect_uri: this.#options.callbackUrl },
      signal,
    );
  }

  /** GitHub App user tokens expire; GitHub rotates the refresh token on every use. */
  refresh(refreshToken: string, signal?: AbortSignal): Promise<UpstreamTokenSet> {
    return this.#token({ grant_type: 'refresh_token', refresh_token: refreshToken }, signal);
  }

  /** GET /user: who the token belongs to. */
  async fetchProfile(accessToken: string, signal?: AbortSignal): Promise<GitHubProfile> {
    const body = await this.#fetchJson(
      `${this.#options.apiUrl}/user`,
      {
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${accessToken}`,
          'x-github-api-version': '2022-11-28',
          'user-agent': 'gatehouse-identity',
        },
      },
      signal,
    );
    const { id, login, avatar_url: avatarUrl } = body;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
      throw new GitHubOAuthError('unavailable', 'profile_without_id');
    }
    if (typeof login !== 'string' || !LOGIN.test(login))
      throw new GitHubOAuthError('unavailable', 'profile_bad_login');
    return { id, login, avatarUrl: isHttpUrl(avatarUrl) ? avatarUrl : '' };
  }

  async #token(params: Record<string, string>, signal?: AbortSignal): Promise<UpstreamTokenSet> {
    const body = await this.#fetchJson(
      `${this.#options.webUrl}/login/oauth/access_token`,
      {
        method: 'POST',
        headers: {
          accept: 'application/json',
          'content-type': 'application/x-www-form-urlencoded',
          'user-agent': 'gatehouse-identity',
        },
        body: new URLSearchParams({
          client_id: this.#options.clientId,
          client_secret: this.#options.clientSecret,
          ...params,
        }).toString(),
      },
      signal,
    );
    // GitHub answers OAuth errors with HTTP 200 and an `error` field.
    if (typeof body.error === 'string') {
      throw new GitHubOAuthError('rejected', `github_${body.error.replace(/[^a-z_]/g, '').slice(0, 40)}`);
    }
    return this.#tokenSet(body);
  }

  #tokenSet(body: Record<string, unknown>): UpstreamTokenSet {
    const { access_token: accessToken, token_type: tokenType, scope } = body;
    if (typeof accessToken !== 'string' || accessToken.length === 0 || accessToken.length > 4096) {
      throw new GitHubOAuthError('unavailable', 'token_response_without_token');
    }
    if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') {
      throw new GitHubOAuthError('unavailable', 'token_response_not_bearer');
    }
    const now = this.#now();
    const expiresIn = positiveInteger(body.expires_in);
    const refreshToken =
      typeof body.refresh_token === 'string' && body.refresh_token ? body.refresh_token : null;
    const refreshExpiresIn = positiveInteger(body.refresh_token_expires_in);
    return {
      accessToken,
      refreshToken,
      // GitHub separates scopes with commas.
      scopes: typeof scope === 'string' ? [...new Set(scope.split(/[\s,]+/).filter(Boolean))].sort() : [],
      expiresAt: expiresIn === null ? null : new Date(now + expiresIn * 1000),
      refreshTokenExpiresAt:
        refreshToken === null || refreshExpiresIn === null ? null : new Date(now + refreshExpiresIn * 1000),
    };
  }

  async #fetchJson(url: string, init: RequestInit, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const timeout = AbortSignal.timeout(this.#options.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        ...init,
        redirect: 'error',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await response.text();
    } catch (error) {
      const reason = timeout.aborted ? 'timeout' : signal?.aborted ? 'deadline' : 'unreachable';
      throw new GitHubOAuthError('unavailable', reason, { cause: error });
    }
    if (response.status >= 500) throw new GitHubOAuthError('unavailable', `http_${response.status}`);
    if (response.status === 401) throw new GitHubOAuthError('rejected', 'http_401');
    if (!response.ok) throw new GitHubOAuthError('rejected', `http_${response.status}`);
    if (text.length > MAX_RESPONSE_BYTES) throw new GitHubOAuthError('unavailable', 'response_too_large');
    try {
      const body: unknown = JSON.parse(text);
      if (typeof body === 'object' && body !== null && !Array.isArray(body))
        return body as Record<string, unknown>;
    } catch {
      // falls through
    }
    throw new GitHubOAuthError('unavailable', 'response_not_json');
  }
}

function positiveInteger(value: unknown): number | null {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number > 0 ? number : null;
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 2048) return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

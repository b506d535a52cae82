import * as oauth from 'oauth4webapi';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_OAUTH_APP, type RunningGitHubEmulator, startGitHubEmulator } from '../src/index.ts';

const CALLBACK = 'http://127.0.0.1/oauth/callback';
const app = {
  clientId: 'test-app',
  clientSecret: 'test-secret',
  callbackUrl: CALLBACK,
  name: '<b>Evil & "Co"</b>',
};
const insecure = { [oauth.allowInsecureRequests]: true };

let emulator: RunningGitHubEmulator;
let as: oauth.AuthorizationServer;
const client: oauth.Client = { client_id: app.clientId };
const clientAuth = oauth.ClientSecretPost(app.clientSecret);

beforeAll(async () => {
  emulator = await startGitHubEmulator({ apps: [DEFAULT_OAUTH_APP, app] });
  as = {
    issuer: emulator.url,
    authorization_endpoint: `${emulator.url}/login/oauth/authorize`,
    token_endpoint: `${emulator.url}/login/oauth/access_token`,
  };
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());
afterEach(() => vi.useRealTimers());

interface Authorization {
  /** The redirect's parameters as validated by oauth4webapi, which insists on getting them back. */
  callback: URLSearchParams;
  code: string;
  verifier: string;
  redirectUri: string;
}

/** GET /login/oauth/authorize without following the redirect. */
function authorize(params: Record<string, string>): Promise<Response> {
  const url = new URL(as.authorization_endpoint!);
  for (const [key, value] of Object.entries({ client_id: app.clientId, ...params }))
    url.searchParams.set(key, value);
  return fetch(url, { redirect: 'manual' });
}

/** The authorize step with PKCE, approved automatically; returns the code from the redirect. */
async function authorizeWithPkce(extra: Record<string, string> = {}): Promise<Authorization> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const redirectUri = `${CALLBACK}/chatgpt`;
  const response = await authorize({
    redirect_uri: redirectUri,
    scope: 'repo read:org',
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...extra,
  });
  expect(response.status).toBe(302);
  const params = oauth.validateAuthResponse(as, client, new URL(response.headers.get('location')!), state);
  return { callback: params, code: params.get('code')!, verifier, redirectUri };
}

/** POST /login/oauth/access_token by hand, for the error answers oauth4webapi would not expose. */
async function tokenRequest(params: Record<string, string>, accept = 'application/json') {
  const response = await fetch(as.token_endpoint!, {
    method: 'POST',
    headers: { accept, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: app.clientId, client_secret: app.clientSecret, ...params }),
  });
  return {
    status: response.status,
    body: accept.includes('json') ? await response.json() : await response.text(),
  };
}

async function exchange({ callback, verifier, redirectUri }: Authorization, auth = clientAuth) {
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    auth,
    callback,
    redirectUri,
    verifier,
    insecure,
  );
  return oauth.processAuthorizationCodeResponse(as, client, response);
}

async function viewer(token: string): Promise<Response> {
  return fetch(`${emulator.apiUrl}/user`, { headers: { authorization: `Bearer ${token}` } });
}

describe('authorization code flow with PKCE', () => {
  it('issues a GitHub-style token carrying the requested scopes', async () => {
    const tokens = await exchange(await authorizeWithPkce());
    expect(tokens.access_token).toMatch(/^gho_[A-Za-z0-9]{36}$/);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('repo,read:org');
    expect(tokens.refresh_token).toBeUndefined();
    const user = await viewer(tokens.access_token);
    expect(await user.json()).toMatchObject({ login: 'octocat' });
    expect(user.headers.get('x-oauth-scopes')).toBe('repo, read:org');
  });

  it('authenticates the client with HTTP Basic as well', async () => {
    const tokens = await exchange(await authorizeWithPkce(), oauth.ClientSecretBasic(app.clientSecret));
    expect(tokens.access_token).toMatch(/^gho_/);
  });

  it('signs in the user named by the login hint in auto-approve mode', async () => {
    const tokens = await exchange(await authorizeWithPkce({ login: 'hubot' }));
    expect(await (await viewer(tokens.access_token)).json()).toMatchObject({ login: 'hubot' });
  });

  it('answers form-encoded unless the client accepts JSON, as GitHub does', async () => {
    const { code, verifier, redirectUri } = await authorizeWithPkce();
    const { status, body } = await tokenRequest(
      { code, code_verifier: verifier, redirect_uri: redirectUri },
      '*/*',
    );
    expect(status).toBe(200);
    const form = new URLSearchParams(body as string);
    expect(form.get('access_token')).toMatch(/^gho_/);
    expect(form.get('scope')).toBe('repo,read:org');
    expect(form.get('token_type')).toBe('bearer');
  });

  it('refuses a wrong verifier with bad_verification_code, and burns the code', async () => {
    const { code, verifier, redirectUri } = await authorizeWithPkce();
    const wrong = await tokenRequest({
      code,
      code_verifier: oauth.generateRandomCodeVerifier(),
      redirect_uri: redirectUri,
    });
    expect(wrong).toEqual({
      status: 200,
      body: {
        error: 'bad_verification_code',
        error_description: 'The code passed is incorrect or expired.',
        error_uri:
          'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code',
      },
    });
    const retried = await tokenRequest({ code, code_verifier: verifier, redirect_uri: redirectUri });
    expect(retried.body).toMatchObject({ error: 'bad_verification_code' });
  });

  it('refuses a missing verifier when the code was bound to a challenge', async () => {
    const { code, redirectUri } = await authorizeWithPkce();
    expect((await tokenRequest({ code, redirect_uri: redirectUri })).body).toMatchObject({
      error: 'bad_verification_code',
    });
  });

  it('refuses to redeem a code twice', async () => {
    const authorization = await authorizeWithPkce();
    await exchange(authorization);
    const { code, verifier, redirectUri } = authorization;
    const reused = await tokenRequest({ code, code_verifier: verifier, redirect_uri: redirectUri });
    expect(reused.body).toMatchObject({ error: 'bad_verification_code' });
  });

  it('expires codes after ten minutes', async () => {
    const { code, verifier, redirectUri } = await authorizeWithPkce();
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 10 * 60 * 1000 + 1000 });
    const late = await tokenRequest({ code, code_verifier: verifier, redirect_uri: redirectUri });
    expect(late.body).toMatchObject({ error: 'bad_verification_code' });
  });

  it('refuses a redirect_uri other than the one authorized', async () => {
    const { code, verifier } = await authorizeWithPkce();
    const mismatch = await tokenRequest({ code, code_verifier: verifier, redirect_uri: `${CALLBACK}/other` });
    expect(mismatch.body).toMatchObject({
      error: 'redirect_uri_mismatch',
      error_description: 'The redirect_uri MUST match the registered callback URL for this application.',
    });
  });

  it('refuses a wrong client secret with incorrect_client_credentials', async () => {
    const { code, verifier, redirectUri } = await authorizeWithPkce();
    const wrong = await tokenRequest({
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
      client_secret: 'test-secreT',
    });
    expect(wrong).toMatchObject({ status: 200, body: { error: 'incorrect_client_credentials' } });
    // The code survived: credentials are checked before it is redeemed.
    const right = await tokenRequest({ code, code_verifier: verifier, redirect_uri: redirectUri });
    expect(right.body).toHaveProperty('access_token');
  });

  it('rejects unsupported grant types', async () => {
    expect((await tokenRequest({ grant_type: 'client_credentials' })).body).toMatchObject({
      error: 'unsupported_grant_type',
    });
  });
});

describe('authorize endpoint errors', () => {
  it('sends redirect_uri mismatches to the registered callback, not the offered URL', async () => {
    for (const redirect of [
      'https://evil.example/oauth/callback',
      'http://127.0.0.1/oauth/callbackevil',
      'http://127.0.0.1/elsewhere',
    ]) {
      const response = await authorize({ redirect_uri: redirect, state: 'xyz' });
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
      expect(location.searchParams.get('error')).toBe('redirect_uri_mismatch');
      expect(location.searchParams.get('state')).toBe('xyz');
    }
  });

  it('accepts a loopback callback on another port, as GitHub does for native apps', async () => {
    const response = await authorize({ redirect_uri: 'http://127.0.0.1:53682/oauth/callback', state: 's' });
    expect(new URL(response.headers.get('location')!).searchParams.get('code')).toMatch(/^[0-9a-f]{20}$/);
  });

  it('refuses PKCE methods other than S256', async () => {
    const response = await authorize({ code_challenge: 'abc', code_challenge_method: 'plain', state: 's' });
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
  });

  it('answers 404 for an unknown client_id', async () => {
    expect((await authorize({ client_id: 'nobody' })).status).toBe(404);
  });
});

describe('sign-in page', () => {
  beforeEach(() => {
    emulator.configure({ autoApprove: null });
  });

  async function signInPage(params: Record<string, string> = {}): Promise<string> {
    const response = await authorize({ state: 'st8', scope: 'repo', ...params });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    return response.text();
  }

  function requestId(html: string): string {
    return /name="request_id" value="([0-9a-f]+)"/.exec(html)![1]!;
  }

  function post(form: Record<string, string>): Promise<Response> {
    return fetch(as.authorization_endpoint!, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
  }

  it('lists the seeded users, the login hint first, with everything escaped', async () => {
    const html = await signInPage({ login: 'monalisa' });
    const logins = [...html.matchAll(/name="login" value="([^"]+)"/g)].map((match) => match[1]);
    expect(logins).toEqual(['monalisa', 'octocat', 'hubot']);
    expect(html).toContain('&lt;b&gt;Evil &amp; &quot;Co&quot;&lt;/b&gt;');
    expect(html).not.toContain('<b>Evil');
    expect(html).toContain('>Cancel</button>');
  });

  it('shows even in auto-approve mode with prompt=select_account', async () => {
    emulator.configure({ autoApprove: 'octocat' });
    await signInPage({ prompt: 'select_account' });
  });

  it('approves as the chosen user', async () => {
    const id = requestId(await signInPage());
    const response = await post({ request_id: id, login: 'hubot' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('st8');
    const { body } = await tokenRequest({ code: location.searchParams.get('code')! });
    const token = (body as { access_token: string }).access_token;
    expect(await (await viewer(token)).json()).toMatchObject({ login: 'hubot' });
    // The page's form works once.
    expect((await post({ request_id: id, login: 'hubot' })).status).toBe(400);
  });

  it('redirects with access_denied and the state when the user cancels', async () => {
    const response = await post({ request_id: requestId(await signInPage()), cancel: '1' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ error: 'access_denied', state: 'st8' });
  });
});

describe('expiring tokens', () => {
  beforeEach(() => {
    emulator.configure({ expiringTokens: true });
  });

  it('come with a refresh token that rotates on use', async () => {
    const first = await exchange(await authorizeWithPkce());
    expect(first.expires_in).toBe(28_800);
    expect(first.refresh_token).toMatch(/^ghr_[A-Za-z0-9]{76}$/);
    expect(first.refresh_token_expires_in).toBe(15_897_600);

    const refresh = (token: string) =>
      oauth.refreshTokenGrantRequest(as, client, clientAuth, token, insecure);
    const second = await oauth.processRefreshTokenResponse(as, client, await refresh(first.refresh_token!));
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.scope).toBe('repo,read:org');
    expect((await viewer(second.access_token)).status).toBe(200);

    // The old refresh token died with the rotation.
    const replay = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token! });
    expect(replay.body).toMatchObject({ error: 'bad_refresh_token' });
  });

  it('stop working when they expire', async () => {
    const tokens = await exchange(await authorizeWithPkce());
    expect((await viewer(tokens.access_token)).status).toBe(200);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 28_800 * 1000 + 1000 });
    const expired = await viewer(tokens.access_token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ message: 'Bad credentials' });
  });

  it('refuse a refresh token presented by another app', async () => {
    const tokens = await exchange(await authorizeWithPkce());
    const response = await fetch(as.token_endpoint!, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: DEFAULT_OAUTH_APP.clientId,
        client_secret: DEFAULT_OAUTH_APP.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token!,
      }),
    });
    expect(await response.json()).toMatchObject({ error: 'bad_refresh_token' });
  });
});

import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { type RunningGitHubEmulator, startGitHubEmulator } from '@gatehouse/github-emulator';
import { describe, expect, test } from '@gatehouse/testing';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { newOpaqueId } from '../src/secrets.ts';
import { GitHubOAuth, GitHubOAuthError, type GitHubOAuthOptions } from '../src/upstream/github-oauth.ts';

const CALLBACK = 'http://localhost:8080/oauth/callback/github';

// GitHub's side is the emulator over HTTP: the same requests production sends to github.com.
describe('sign-in with GitHub (OAuth web flow with PKCE)', () => {
  let emulator: RunningGitHubEmulator;
  let options: GitHubOAuthOptions;
  let github: GitHubOAuth;

  beforeAll(async () => {
    emulator = await startGitHubEmulator();
    options = {
      webUrl: emulator.url,
      apiUrl: emulator.apiUrl,
      clientId: 'gatehouse-dev',
      clientSecret: 'gatehouse-dev-secret',
      callbackUrl: CALLBACK,
      timeoutMs: 2_000,
    };
    github = new GitHubOAuth(options);
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  /** The browser at GitHub: the emulator signs octocat in and sends it back to our callback. */
  async function signIn(codeVerifier: string, scopes = ['repo']) {
    const state = newOpaqueId();
    const response = await fetch(github.authorizeUrl({ state, codeVerifier, scopes, selectAccount: false }), {
      redirect: 'manual',
    });
    expect(response.status).toBe(302);
    const callback = new URL(response.headers.get('location')!);
    expect(callback.origin + callback.pathname).toBe(CALLBACK);
    expect(callback.searchParams.get('state')).toBe(state);
    return callback.searchParams.get('code')!;
  }

  test('builds the authorize URL with our callback, the GitHub scopes and an S256 challenge', () => {
    const url = new URL(
      github.authorizeUrl({
        state: 's1',
        codeVerifier: 'v'.repeat(43),
        scopes: ['repo'],
        selectAccount: true,
      }),
    );
    expect(url.origin + url.pathname).toBe(`${emulator.url}/login/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'gatehouse-dev',
      redirect_uri: CALLBACK,
      scope: 'repo',
      state: 's1',
      code_challenge: createHash('sha256').update('v'.repeat(43)).digest('base64url'),
      code_challenge_method: 'S256',
      prompt: 'select_account',
    });
  });

  test('exchanges the code with the verifier and reads who signed in', async () => {
    const verifier = newOpaqueId();
    const tokens = await github.exchangeCode(await signIn(verifier), verifier);
    expect(tokens).toMatchObject({ refreshToken: null, scopes: ['repo'], expiresAt: null });
    expect(tokens.accessToken).toMatch(/^gho_/);
    const profile = await github.fetchProfile(tokens.accessToken);
    expect(profile).toMatchObject({ login: 'octocat', id: expect.any(Number) });
    expect(profile.avatarUrl).toMatch(/^https?:\/\//);
  });

  test('is refused by GitHub with the wrong PKCE verifier', async () => {
    const code = await signIn(newOpaqueId());
    await expect(github.exchangeCode(code, newOpaqueId())).rejects.toMatchObject({
      kind: 'rejected',
      reason: 'github_bad_verification_code',
    });
  });

  test('cannot redeem a code twice', async () => {
    const verifier = newOpaqueId();
    const code = await signIn(verifier);
    await github.exchangeCode(code, verifier);
    await expect(github.exchangeCode(code, verifier)).rejects.toMatchObject({ kind: 'rejected' });
  });

  test('is refused with the wrong client secret, and says so without echoing it', async () => {
    const verifier = newOpaqueId();
    const code = await signIn(verifier);
    const wrong = new GitHubOAuth({ ...options, clientSecret: 'not-the-secret' });
    const error = await wrong.exchangeCode(code, verifier).then(
      () => null,
      (e: unknown) => e as GitHubOAuthError,
    );
    expect(error).toBeInstanceOf(GitHubOAuthError);
    expect(error).toMatchObject({ kind: 'rejected', reason: 'github_incorrect_client_credentials' });
    expect(error?.message).not.toContain('not-the-secret');
  });

  test('reports GitHub unreachable, slow or failing as unavailable', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const unreachable = new GitHubOAuth({ ...options, webUrl: `http://127.0.0.1:${closedPort}` });
    await expect(unreachable.exchangeCode('c', 'v')).rejects.toMatchObject({
      kind: 'unavailable',
      reason: 'unreachable',
    });

    emulator.configure({ latencyMs: 300 });
    const impatient = new GitHubOAuth({ ...options, timeoutMs: 50 });
    await expect(impatient.fetchProfile('gho_x')).rejects.toMatchObject({
      kind: 'unavailable',
      reason: 'timeout',
    });

    emulator.configure({ latencyMs: 0, faults: [{ path: '^/user$', status: 502 }] });
    await expect(github.fetchProfile(emulator.mintToken({ login: 'octocat' }))).rejects.toMatchObject({
      kind: 'unavailable',
      reason: 'http_502',
    });
  });

  test('treats a token GitHub refuses at GET /user as rejected', async () => {
    await expect(github.fetchProfile('gho_not_a_token')).rejects.toMatchObject({
      kind: 'rejected',
      reason: 'http_401',
    });
  });

  test('gets expiring tokens with a refresh token from a GitHub App, and GitHub rotates it', async () => {
    emulator.configure({ expiringTokens: true, accessTokenTtlSeconds: 600 });
    const verifier = newOpaqueId();
    const before = Date.now();
    const first = await github.exchangeCode(await signIn(verifier), verifier);
    expect(first.refreshToken).toMatch(/^ghr_/);
    expect(first.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + 600_000);
    expect(first.refreshTokenExpiresAt!.getTime()).toBeGreaterThan(first.expiresAt!.getTime());

    const second = await github.refresh(first.refreshToken!);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await github.fetchProfile(second.accessToken)).login).toBe('octocat');
    await expect(github.refresh(first.refreshToken!)).rejects.toMatchObject({
      kind: 'rejected',
      reason: 'github_bad_refresh_token',
    });
  });
});

import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { BusError } from '@gatehouse/bus';
import { type RunningGitHubEmulator, startGitHubEmulator } from '@gatehouse/github-emulator';
import { identity, Outcome } from '@gatehouse/proto';
import { describe, expect, test } from '@gatehouse/testing';
import pg from 'pg';
import { newOpaqueId } from '../src/secrets.ts';
import { PostgresUpstreamAccounts, PostgresUsers } from '../src/store/postgres.ts';
import { createDatabase } from '../src/store/prisma.ts';
import { GitHubOAuth, type UpstreamTokenSet } from '../src/upstream/github-oauth.ts';
import { TokenVault } from '../src/upstream/token-vault.ts';
import { identityEnv, type RunningIdentity, runIdentity } from './support.ts';

const { getUpstreamToken, refreshUpstreamToken } = identity.IdentityService.method;

// GetUpstreamToken and RefreshUpstreamToken over the real bus, as the worker calls them, with the
// emulator as GitHub (its expiring-token mode stands in for a GitHub App).
describe('upstream tokens over the bus', () => {
  let emulator: RunningGitHubEmulator;
  let identityService: RunningIdentity;
  let github: GitHubOAuth;
  let vault: TokenVault;
  let users: PostgresUsers;
  let sql: pg.Client;
  let closeDatabase: () => Promise<void>;
  let githubId = 1;

  test.beforeAll(async ({ infrastructure, isolation }) => {
    emulator = await startGitHubEmulator();
    identityService = await runIdentity(identityEnv(infrastructure, isolation, emulator));
    const { config } = identityService;
    github = new GitHubOAuth({
      webUrl: emulator.url,
      apiUrl: emulator.apiUrl,
      clientId: config.GITHUB_CLIENT_ID,
      clientSecret: config.GITHUB_CLIENT_SECRET,
      callbackUrl: `${config.PUBLIC_URL}/oauth/callback/github`,
      timeoutMs: 2_000,
    });
    const database = createDatabase(isolation.databaseUrl);
    closeDatabase = () => database.$disconnect();
    users = new PostgresUsers(database);
    vault = new TokenVault({
      keyring: config.UPSTREAM_TOKEN_KEYS,
      accounts: new PostgresUpstreamAccounts(database, { lockTimeoutMs: 2_000 }),
      github,
      events: () => {},
    });
    sql = new pg.Client({ connectionString: isolation.databaseUrl });
    await sql.connect();
  });

  test.afterAll(async () => {
    await identityService?.close();
    await sql?.end();
    await closeDatabase?.();
    await emulator?.close();
  });

  /** A person who signed in with GitHub for real (the emulator's OAuth flow), stored as sign-in stores them. */
  async function signedInPerson(): Promise<{ userId: string; tokens: UpstreamTokenSet }> {
    const codeVerifier = newOpaqueId();
    const authorize = github.authorizeUrl({
      state: 's',
      codeVerifier,
      scopes: ['repo'],
      selectAccount: false,
    });
    const callback = new URL((await fetch(authorize, { redirect: 'manual' })).headers.get('location')!);
    const tokens = await github.exchangeCode(callback.searchParams.get('code')!, codeVerifier);
    const profile = await github.fetchProfile(tokens.accessToken);
    // A distinct GitHub id per test keeps people apart; the login is octocat's.
    const user = await users.upsertByGitHubId({
      githubId: githubId++,
      githubLogin: profile.login,
      avatarUrl: '',
    });
    await vault.store(user.id, tokens);
    return { userId: user.id, tokens };
  }

  /** As if the pair had been obtained an hour ago, so a refresh is not mistaken for a duplicate. */
  const age = (userId: string) =>
    sql.query(
      "UPDATE identity.upstream_accounts SET obtained_at = now() - interval '1 hour' WHERE user_id = $1",
      [userId],
    );

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (error: BusError) => error,
    );

  test('hands the worker the decrypted token with its scopes, expiry and login', async () => {
    emulator.configure({ expiringTokens: true, accessTokenTtlSeconds: 3600 });
    const { userId, tokens } = await signedInPerson();
    const reply = await identityService.caller.request(getUpstreamToken, { userId });
    expect(reply).toMatchObject({
      accessToken: tokens.accessToken,
      scopes: ['repo'],
      githubLogin: 'octocat',
    });
    expect(timestampDate(reply.expiresAt!).getTime()).toBe(tokens.expiresAt!.getTime());
  });

  test('an OAuth App token has no expiry', async () => {
    emulator.configure({ expiringTokens: false });
    const { userId } = await signedInPerson();
    const reply = await identityService.caller.request(getUpstreamToken, { userId });
    expect(reply.expiresAt).toBeUndefined();
  });

  test('refreshes with GitHub, stores the rotated pair and reports it', async () => {
    emulator.configure({ expiringTokens: true, accessTokenTtlSeconds: 3600 });
    const { userId, tokens } = await signedInPerson();
    await age(userId);
    const seen = identityService.events.all().length;
    const refreshed = await identityService.caller.request(refreshUpstreamToken, { userId });
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect((await github.fetchProfile(refreshed.accessToken)).login).toBe('octocat');
    // The stored pair is the new one: the next read returns it.
    expect((await identityService.caller.request(getUpstreamToken, { userId })).accessToken).toBe(
      refreshed.accessToken,
    );
    const event = await identityService.events.next('identity.upstream_token.refreshed', seen);
    expect(event).toMatchObject({
      outcome: Outcome.SUCCESS,
      actor: { userId },
      details: { trigger: 'requested' },
    });
  });

  test('serialises concurrent refreshes of one person: GitHub sees one, every worker gets the new token', async () => {
    emulator.configure({ expiringTokens: true, accessTokenTtlSeconds: 3600 });
    const { userId, tokens } = await signedInPerson();
    await age(userId);
    const seen = identityService.events.all().length;
    // GitHub rotates refresh tokens: had two refreshes reached it, the second would have failed.
    const replies = await Promise.all(
      Array.from({ length: 8 }, () => identityService.caller.request(refreshUpstreamToken, { userId })),
    );
    const issued = new Set(replies.map((reply) => reply.accessToken));
    expect(issued.size).toBe(1);
    expect(issued.has(tokens.accessToken)).toBe(false);
    await identityService.events.next('identity.upstream_token.refreshed', seen);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refreshes = identityService.events
      .all()
      .slice(seen)
      .filter((event) => event.type.startsWith('identity.upstream_token.'));
    expect(refreshes.map((event) => event.type)).toEqual(['identity.upstream_token.refreshed']);
  });

  test('refreshes a token about to expire before handing it out', async () => {
    emulator.configure({ expiringTokens: true, accessTokenTtlSeconds: 30 });
    const { userId, tokens } = await signedInPerson();
    const seen = identityService.events.all().length;
    const reply = await identityService.caller.request(getUpstreamToken, { userId });
    expect(reply.accessToken).not.toBe(tokens.accessToken);
    expect((await github.fetchProfile(reply.accessToken)).login).toBe('octocat');
    const event = await identityService.events.next('identity.upstream_token.refreshed', seen);
    expect(event.details).toEqual({ trigger: 'expiring' });
  });

  test('without a refresh token (OAuth App), asks the person to reconnect GitHub', async () => {
    emulator.configure({ expiringTokens: false });
    const { userId } = await signedInPerson();
    await age(userId);
    const seen = identityService.events.all().length;
    const error = await refusal(identityService.caller.request(refreshUpstreamToken, { userId }));
    expect(error).toMatchObject({
      code: 'invalid_grant',
      description: 'GitHub no longer accepts this connection; reconnect GitHub.',
      retryable: false,
    });
    const event = await identityService.events.next('identity.upstream_token.refresh_failed', seen);
    expect(event).toMatchObject({ outcome: Outcome.FAILURE, reason: 'no_refresh_token', actor: { userId } });
  });

  test('when GitHub refuses the refresh token, forgets the pair and asks to reconnect', async () => {
    emulator.configure({ expiringTokens: true, accessTokenTtlSeconds: 3600 });
    const { userId } = await signedInPerson();
    await age(userId);
    await emulator.reset({ keepConfig: true }); // GitHub forgets every token it issued
    const seen = identityService.events.all().length;
    const error = await refusal(identityService.caller.request(refreshUpstreamToken, { userId }));
    expect(error).toMatchObject({ code: 'invalid_grant' });
    const event = await identityService.events.next('identity.upstream_token.refresh_failed', seen);
    expect(event.reason).toBe('github_bad_refresh_token');
    const { rowCount } = await sql.query('SELECT 1 FROM identity.upstream_accounts WHERE user_id = $1', [
      userId,
    ]);
    expect(rowCount).toBe(0);
    expect(await refusal(identityService.caller.request(getUpstreamToken, { userId }))).toMatchObject({
      code: 'invalid_grant',
    });
  });

  test('when GitHub is down, answers unavailable (retryable) and keeps the pair', async () => {
    emulator.configure({ expiringTokens: true, accessTokenTtlSeconds: 3600 });
    const { userId, tokens } = await signedInPerson();
    await age(userId);
    emulator.configure({ faults: [{ path: '^/login/oauth/access_token$', status: 503, times: 1 }] });
    const error = await refusal(identityService.caller.request(refreshUpstreamToken, { userId }));
    expect(error).toMatchObject({ code: 'unavailable', retryable: true });
    expect((await identityService.caller.request(getUpstreamToken, { userId })).accessToken).toBe(
      tokens.accessToken,
    );
    // Once GitHub is back the same refresh token still works.
    const refreshed = await identityService.caller.request(refreshUpstreamToken, { userId });
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
  });

  test('refuses an unknown person and a malformed user id', async () => {
    expect(
      await refusal(
        identityService.caller.request(getUpstreamToken, { userId: '00000000-0000-4000-8000-000000000000' }),
      ),
    ).toMatchObject({ code: 'invalid_grant' });
    expect(
      await refusal(identityService.caller.request(getUpstreamToken, { userId: "x' OR 1=1" })),
    ).toMatchObject({
      code: 'invalid_request',
      description: 'user_id must be a user id.',
    });
    expect(await refusal(identityService.caller.request(refreshUpstreamToken, { userId: '' }))).toMatchObject(
      {
        code: 'invalid_request',
      },
    );
  });

  test('never writes a GitHub token into a log line or an event', async () => {
    emulator.configure({ expiringTokens: true, accessTokenTtlSeconds: 3600 });
    const { userId, tokens } = await signedInPerson();
    await age(userId);
    const refreshed = await identityService.caller.request(refreshUpstreamToken, { userId });
    await identityService.caller.request(getUpstreamToken, { userId });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const everything = identityService.logs.text() + identityService.events.raw();
    for (const secret of [tokens.accessToken, tokens.refreshToken!, refreshed.accessToken]) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).not.toMatch(/gh[our]_[A-Za-z0-9]{20}/);
  });
});

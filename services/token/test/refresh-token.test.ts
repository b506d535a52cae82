import { token } from '@gatehouse/proto';
import { describe, expect, test } from '@gatehouse/testing';
import pg from 'pg';
import { afterAll } from 'vitest';
import { sha256 } from '../src/tokens/opaque.ts';
import {
  authorize,
  eventually,
  exchange,
  failure,
  type Harness,
  registerClient,
  startHarness,
  USER,
} from './harness.ts';

function claims(accessToken: string) {
  return JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as Record<
    string,
    unknown
  >;
}

describe('the refresh_token grant', () => {
  let h: Harness;
  let strict: Harness;
  let databaseUrl: string;
  test.beforeEach(async ({ infrastructure, isolation }) => {
    databaseUrl = isolation.databaseUrl;
    h ??= await startHarness(infrastructure, isolation);
    // A second instance with a one-second grace window, to reach "outside the window" quickly.
    strict ??= await startHarness(infrastructure, isolation, { REFRESH_REUSE_GRACE: '1s' });
  });
  afterAll(async () => {
    await h?.close();
    await strict?.close();
  });

  const refresh = (
    harness: Harness,
    clientId: string,
    refreshToken: string,
    extra: Record<string, string> = {},
  ) =>
    exchange(harness, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: clientId,
      ...extra,
    });

  test('rotates: a new pair for the same grant, with the grant’s scope and a fresh access token', async () => {
    const { client, tokens } = await authorize(h);
    const next = await refresh(h, client.clientId, tokens.refreshToken);
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    expect(next.accessToken).not.toBe(tokens.accessToken);
    expect(next).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, scope: 'repos:read issues:read' });
    expect(claims(next.accessToken).gid).toBe(claims(tokens.accessToken).gid);
    const third = await refresh(h, client.clientId, next.refreshToken);
    expect(third.refreshToken).not.toBe(next.refreshToken);
  });

  test('answers 20 parallel refreshes with one token with the same new pair', async () => {
    const { client, tokens } = await authorize(h);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => refresh(h, client.clientId, tokens.refreshToken)),
    );
    const pairs = new Set(results.map((result) => `${result.accessToken} ${result.refreshToken}`));
    expect(pairs.size).toBe(1);
    expect(results[0]!.refreshToken).not.toBe(tokens.refreshToken);
    // The shared successor is a working refresh token.
    const next = await refresh(h, client.clientId, results[0]!.refreshToken);
    expect(next.accessToken).toBeTruthy();
  });

  test('decides a race between 20 refreshes that all read the token before any of them rotated it', async () => {
    const { client, tokens } = await authorize(h);
    // Hold the token's row lock so every refresh statement starts (and takes its snapshot) while the
    // token is still unrotated, then let them go: one rotates, the others must see that it did.
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    let pending: Promise<Awaited<ReturnType<typeof refresh>>[]>;
    try {
      await db.query('BEGIN');
      await db.query('SELECT 1 FROM token.refresh_tokens WHERE hash = $1 FOR UPDATE', [
        sha256(tokens.refreshToken),
      ]);
      pending = Promise.all(
        Array.from({ length: 20 }, () => refresh(h, client.clientId, tokens.refreshToken)),
      );
      await eventually(async () => {
        const { rows } = await db.query(
          `SELECT count(DISTINCT l.pid)::int AS waiting FROM pg_locks l
             JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE NOT l.granted AND a.datname = current_database()`,
        );
        expect(rows[0].waiting).toBe(20);
      }, 4_000);
    } finally {
      await db.query('COMMIT');
      await db.end();
    }
    const results = await pending;
    expect(new Set(results.map((result) => `${result.accessToken} ${result.refreshToken}`)).size).toBe(1);
  });

  test('returns the same pair again when the rotation response was lost (retry inside the grace window)', async () => {
    const { client, tokens } = await authorize(h);
    const first = await refresh(h, client.clientId, tokens.refreshToken);
    const retry = await refresh(h, client.clientId, tokens.refreshToken);
    expect(retry.accessToken).toBe(first.accessToken);
    expect(retry.refreshToken).toBe(first.refreshToken);
    expect(retry.expiresIn).toBeLessThanOrEqual(first.expiresIn);
  });

  test('rejects a reused refresh token outside the grace window, revokes the grant and publishes token.grant.revoked', async () => {
    const { client, tokens } = await authorize(strict);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => refresh(strict, client.clientId, tokens.refreshToken)),
    );
    expect(new Set(results.map((r) => r.refreshToken)).size).toBe(1);
    const gid = claims(tokens.accessToken).gid as string;
    await new Promise((resolve) => setTimeout(resolve, 1_200));

    const reuse = await failure(refresh(strict, client.clientId, tokens.refreshToken));
    expect(reuse).toMatchObject({
      code: 'invalid_grant',
      description: expect.stringMatching(/grant has been revoked/),
    });
    // The whole grant is gone: the successor no longer works either.
    const successor = await failure(refresh(strict, client.clientId, results[0]!.refreshToken));
    expect(successor.code).toBe('invalid_grant');
    const revoked = await strict.events('token.grant.revoked');
    expect(revoked.find((event) => event.grantId === gid)).toMatchObject({
      reason: 'refresh_token_reused',
      clientId: client.clientId,
      actor: { userId: USER.userId },
    });
    await eventually(async () => {
      const reused = await strict.events('token.refresh_token.reused');
      expect(reused.map((event) => event.grantId)).toContain(gid);
    });
  });

  test('treats an old token as reuse, even inside the grace window, once its successor was used', async () => {
    const { client, tokens } = await authorize(h);
    const second = await refresh(h, client.clientId, tokens.refreshToken);
    await refresh(h, client.clientId, second.refreshToken);
    const reuse = await failure(refresh(h, client.clientId, tokens.refreshToken));
    expect(reuse.description).toMatch(/grant has been revoked/);
  });

  test('narrows the access token’s scope on request, while the refresh token keeps the grant’s scope', async () => {
    const { client, tokens } = await authorize(h);
    const narrow = await refresh(h, client.clientId, tokens.refreshToken, { scope: 'repos:read' });
    expect(narrow.scope).toBe('repos:read');
    expect(claims(narrow.accessToken).scope).toBe('repos:read');
    const full = await refresh(h, client.clientId, narrow.refreshToken);
    expect(full.scope).toBe('repos:read issues:read');
  });

  test('ignores OIDC scopes in a refresh request', async () => {
    const { client, tokens } = await authorize(h);
    const next = await refresh(h, client.clientId, tokens.refreshToken, { scope: 'openid offline_access' });
    expect(next.scope).toBe('repos:read issues:read');
  });

  const refusals: { name: string; extra: Record<string, string>; code: string; description: RegExp }[] = [
    {
      name: 'a scope wider than granted',
      extra: { scope: 'repos:read issues:write' },
      code: 'invalid_scope',
      description: /exceeds the scope originally granted/,
    },
    {
      name: 'an unknown scope',
      extra: { scope: 'admin' },
      code: 'invalid_scope',
      description: /not supported/,
    },
    {
      name: 'another resource',
      extra: { resource: 'https://elsewhere.example/mcp' },
      code: 'invalid_target',
      description: /resource must be/,
    },
  ];

  test.for(refusals)('refuses $name without rotating the token', async (testCase) => {
    const { client, tokens } = await authorize(h);
    const error = await failure(refresh(h, client.clientId, tokens.refreshToken, testCase.extra));
    expect(error.code).toBe(testCase.code);
    expect(error.description).toMatch(testCase.description);
    // Nothing changed: the token still rotates normally.
    expect((await refresh(h, client.clientId, tokens.refreshToken)).refreshToken).toBeTruthy();
  });

  test('refuses a refresh token presented by another client, leaving it usable by its own', async () => {
    const { client, tokens } = await authorize(h);
    const other = await registerClient(h);
    const error = await failure(refresh(h, other.clientId, tokens.refreshToken));
    expect(error).toMatchObject({
      code: 'invalid_grant',
      description: expect.stringMatching(/another client/),
    });
    expect((await refresh(h, client.clientId, tokens.refreshToken)).refreshToken).toBeTruthy();
  });

  test('refuses an unknown, a missing and an expired refresh token', async () => {
    const { client, tokens } = await authorize(h);
    expect((await failure(refresh(h, client.clientId, 'z'.repeat(43)))).code).toBe('invalid_grant');
    const missing = await failure(exchange(h, { grant_type: 'refresh_token', client_id: client.clientId }));
    expect(missing).toMatchObject({ code: 'invalid_request', description: 'refresh_token is required.' });

    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    await db.query(
      `UPDATE token.refresh_tokens SET expires_at = now() - interval '1 second' WHERE hash = $1`,
      [sha256(tokens.refreshToken)],
    );
    await db.end();
    const expired = await failure(refresh(h, client.clientId, tokens.refreshToken));
    expect(expired).toMatchObject({ code: 'invalid_grant', description: expect.stringMatching(/expired/) });
  });

  test('stops refreshing when the grant reaches its absolute lifetime', async () => {
    const { client, tokens } = await authorize(h);
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    await db.query(`UPDATE token.grants SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      claims(tokens.accessToken).gid,
    ]);
    await db.end();
    expect((await failure(refresh(h, client.clientId, tokens.refreshToken))).code).toBe('invalid_grant');
  });

  test('records the last use of a grant for the connected-apps page', async () => {
    const { client, tokens } = await authorize(h);
    const gid = claims(tokens.accessToken).gid;
    const before = (
      await h.caller.request(token.TokenService.method.listGrants, { userId: USER.userId })
    ).grants.find((grant) => grant.id === gid)!;
    await new Promise((resolve) => setTimeout(resolve, 20));
    await refresh(h, client.clientId, tokens.refreshToken);
    const after = (
      await h.caller.request(token.TokenService.method.listGrants, { userId: USER.userId })
    ).grants.find((grant) => grant.id === gid)!;
    const millis = (t: typeof before.lastUsedAt) => Number(t!.seconds) * 1000 + t!.nanos / 1e6;
    expect(millis(after.lastUsedAt)).toBeGreaterThan(millis(before.lastUsedAt));
    expect(after).toMatchObject({
      clientId: client.clientId,
      clientName: 'Test client',
      redirectHost: 'chatgpt.com',
    });
  });

  test('stores refresh tokens only as hashes', async () => {
    const { tokens } = await authorize(h);
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    const { rows } = await db.query('SELECT hash FROM token.refresh_tokens');
    await db.end();
    expect(rows.map((row) => row.hash)).toContain(sha256(tokens.refreshToken));
    expect(JSON.stringify(rows)).not.toContain(tokens.refreshToken);
  });
});

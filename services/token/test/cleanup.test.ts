import { token } from '@gatehouse/proto';
import { describe, expect, test } from '@gatehouse/testing';
import pg from 'pg';
import { afterAll } from 'vitest';
import { cleanup } from '../src/jobs/cleanup.ts';
import { sha256 } from '../src/tokens/opaque.ts';
import {
  authorize,
  exchange,
  grantTo,
  type Harness,
  ORIGIN,
  registerClient,
  startHarness,
} from './harness.ts';

const DAY = 86_400_000;

describe('the cleanup job', () => {
  let h: Harness;
  let db: pg.Client;
  test.beforeEach(async ({ infrastructure, isolation }) => {
    if (h) return;
    h = await startHarness(infrastructure, isolation);
    db = new pg.Client({ connectionString: isolation.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await h?.close();
  });

  const run = () =>
    cleanup({
      grants: h.service.deps.grants,
      clients: h.service.deps.clients,
      keyStore: h.service.deps.keyStore,
      accessTokenTtlMs: 15 * 60_000,
      unusedClientTtlMs: 30 * DAY,
    });
  const exists = async (table: string, column: string, value: string) =>
    (await db.query(`SELECT 1 FROM token.${table} WHERE ${column} = $1`, [value])).rowCount === 1;
  const gidOf = (accessToken: string) =>
    JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()).gid as string;

  test('a grant marks its client as used, at most once a minute', async () => {
    const { client } = await authorize(h);
    const lastGranted = async () =>
      (await db.query('SELECT last_granted_at FROM token.clients WHERE id = $1', [client.clientId])).rows[0]
        .last_granted_at as Date | null;
    const grantAgain = () => grantTo(h, client.clientId);
    const first = await lastGranted();
    expect(first).toBeInstanceOf(Date);
    // Within the minute the row is left alone, so concurrent grants of one client never queue on it.
    await grantAgain();
    expect(await lastGranted()).toEqual(first);
    await db.query(`UPDATE token.clients SET last_granted_at = now() - interval '2 minutes' WHERE id = $1`, [
      client.clientId,
    ]);
    await grantAgain();
    expect((await lastGranted())!.getTime()).toBeGreaterThan(Date.now() - 30_000);
  });

  test('deletes expired refresh tokens, keeping live and rotated-but-unexpired ones', async () => {
    const { client, tokens } = await authorize(h);
    const next = await exchange(h, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refreshToken,
      client_id: client.clientId,
    });
    const expired = await authorize(h);
    await db.query(
      `UPDATE token.refresh_tokens SET expires_at = now() - interval '1 second' WHERE hash = $1`,
      [sha256(expired.tokens.refreshToken)],
    );
    const report = await run();
    expect(report.refreshTokens).toBeGreaterThanOrEqual(1);
    expect(await exists('refresh_tokens', 'hash', sha256(expired.tokens.refreshToken))).toBe(false);
    // The rotated token stays until it expires, so its reuse is still recognised.
    expect(await exists('refresh_tokens', 'hash', sha256(tokens.refreshToken))).toBe(true);
    expect(await exists('refresh_tokens', 'hash', sha256(next.refreshToken))).toBe(true);
  });

  test('keeps a revoked grant for one access-token lifetime, then deletes it', async () => {
    const recent = await authorize(h);
    const old = await authorize(h);
    for (const { tokens } of [recent, old]) {
      await h.caller.request(token.TokenService.method.revokeGrant, {
        userId: 'user-1',
        grantId: gidOf(tokens.accessToken),
        origin: ORIGIN,
      });
    }
    await db.query(`UPDATE token.grants SET revoked_at = now() - interval '16 minutes' WHERE id = $1`, [
      gidOf(old.tokens.accessToken),
    ]);
    await run();
    expect(await exists('grants', 'id', gidOf(recent.tokens.accessToken))).toBe(true);
    expect(await exists('grants', 'id', gidOf(old.tokens.accessToken))).toBe(false);
  });

  test('deletes an expired grant one access-token lifetime after it expired', async () => {
    const { tokens } = await authorize(h);
    await db.query(`UPDATE token.grants SET expires_at = now() - interval '16 minutes' WHERE id = $1`, [
      gidOf(tokens.accessToken),
    ]);
    await run();
    expect(await exists('grants', 'id', gidOf(tokens.accessToken))).toBe(false);
  });

  test('deletes registered clients unused for DCR_CLIENT_UNUSED_TTL, but not one with a live grant', async () => {
    const unused = await registerClient(h);
    const recent = await registerClient(h);
    const { client: busy } = await authorize(h);
    await db.query(`UPDATE token.clients SET created_at = now() - interval '31 days' WHERE id = ANY($1)`, [
      [unused.clientId, busy.clientId],
    ]);
    await db.query(`UPDATE token.clients SET last_granted_at = now() - interval '31 days' WHERE id = $1`, [
      busy.clientId,
    ]);
    const report = await run();
    expect(report.clients).toBeGreaterThanOrEqual(1);
    expect(await exists('clients', 'id', unused.clientId)).toBe(false);
    expect(await exists('clients', 'id', recent.clientId)).toBe(true);
    expect(await exists('clients', 'id', busy.clientId)).toBe(true);
  });
});

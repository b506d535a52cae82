import { randomBytes } from 'node:crypto';
import { token } from '@gatehouse/proto';
import {
  createDatabase,
  createTestStream,
  deleteTestStream,
  describe,
  dropDatabase,
  expect,
  startService,
  test,
  uniqueName,
} from '@gatehouse/testing';
import {
  calculateJwkThumbprint,
  compactDecrypt,
  createLocalJWKSet,
  decodeProtectedHeader,
  jwtVerify,
} from 'jose';
import pg from 'pg';
import { afterAll } from 'vitest';
import { cleanup } from '../src/jobs/cleanup.ts';
import { rotateKeys } from '../src/tokens/rotation.ts';
import { authorize, eventually, type Harness, startHarness } from './harness.ts';

const KEK_A = randomBytes(32);
const KEK_B = randomBytes(32);
const KEYS_A = `kek-a:${KEK_A.toString('base64url')}`;

async function jwksOf(h: Harness) {
  const { keys } = await h.caller.request(token.TokenService.method.getJwks, {});
  return keys.map(({ $typeName: _, ...key }) => key);
}

async function query(databaseUrl: string, text: string, values: unknown[] = []) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    return (await db.query(text, values)).rows;
  } finally {
    await db.end();
  }
}

describe('signing keys', () => {
  const harnesses: Harness[] = [];
  let databaseUrl: string;
  let h: Harness;
  test.beforeEach(async ({ infrastructure, isolation }) => {
    databaseUrl = isolation.databaseUrl;
    if (!h) {
      h = await startHarness(infrastructure, isolation, { TOKEN_KEY_ENCRYPTION_KEYS: KEYS_A });
      harnesses.push(h);
    }
  });
  afterAll(async () => {
    await Promise.all(harnesses.map((harness) => harness.close()));
  });

  test('publishes the current and the next key: public EC P-256 members only, kid = RFC 7638 thumbprint', async () => {
    const keys = await jwksOf(h);
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key.kid).toBe(await calculateJwkThumbprint({ kty: key.kty, crv: key.crv, x: key.x, y: key.y }));
    }
    const { tokens } = await authorize(h);
    expect(decodeProtectedHeader(tokens.accessToken).kid).toBe(keys[0]!.kid);
  });

  test('keeps the private keys encrypted at rest as JWE (dir, A256GCM) under the first key-encryption key', async () => {
    const rows = await query(
      databaseUrl,
      'SELECT kid, public_jwk, private_jwk_encrypted, encryption_key_id FROM token.signing_keys',
    );
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      expect(row.encryption_key_id).toBe('kek-a');
      expect(decodeProtectedHeader(row.private_jwk_encrypted)).toEqual({
        alg: 'dir',
        enc: 'A256GCM',
        kid: 'kek-a',
      });
      const { plaintext } = await compactDecrypt(row.private_jwk_encrypted, KEK_A);
      const jwk = JSON.parse(new TextDecoder().decode(plaintext));
      expect(jwk).toMatchObject({
        kty: 'EC',
        x: row.public_jwk.x,
        y: row.public_jwk.y,
        d: expect.any(String),
      });
      expect(JSON.stringify(row)).not.toContain(jwk.d);
    }
  });

  test('rotates on RotateKeys: the next key signs, the old one stays published, and old tokens still verify', async () => {
    const before = await jwksOf(h);
    const { tokens: old } = await authorize(h);
    const { currentKid } = await h.caller.request(token.TokenService.method.rotateKeys, {});
    expect(currentKid).toBe(before[1]!.kid);

    const after = await jwksOf(h);
    expect(after.map((key) => key.kid)).toEqual([before[1]!.kid, expect.any(String), before[0]!.kid]);
    const verifier = createLocalJWKSet({ keys: after });
    await expect(jwtVerify(old.accessToken, verifier, { typ: 'at+jwt' })).resolves.toBeDefined();
    const { tokens: fresh } = await authorize(h);
    expect(decodeProtectedHeader(fresh.accessToken).kid).toBe(currentKid);
    await expect(jwtVerify(fresh.accessToken, verifier, { typ: 'at+jwt' })).resolves.toBeDefined();
    await eventually(async () => {
      const rotated = await h.events('token.key.rotated');
      expect(rotated.map((event) => event.details.kid)).toContain(currentKid);
    });
  });

  test('a second replica learns a rotation made by the first when it reloads', async ({
    infrastructure,
    isolation,
  }) => {
    const replica = await startHarness(infrastructure, isolation, { TOKEN_KEY_ENCRYPTION_KEYS: KEYS_A });
    harnesses.push(replica);
    const { currentKid } = await h.caller.request(token.TokenService.method.rotateKeys, {});
    expect(replica.service.deps.keys.signingKey().kid).not.toBe(currentKid);
    await replica.service.deps.keys.reload();
    expect(replica.service.deps.keys.signingKey().kid).toBe(currentKid);
    expect((await jwksOf(replica)).map((key) => key.kid)).toEqual((await jwksOf(h)).map((key) => key.kid));
  });

  test('rotates on schedule only when the current key has served its interval', async () => {
    const kid = h.service.deps.keys.signingKey().kid;
    expect(await rotateKeys(h.service.deps, 'scheduled')).toBe(kid);
    await query(
      databaseUrl,
      "UPDATE token.signing_keys SET activated_at = now() - interval '31 days' WHERE status = 'current'",
    );
    await h.service.deps.keys.reload();
    const rotatedTo = await rotateKeys(h.service.deps, 'scheduled');
    expect(rotatedTo).not.toBe(kid);
    // A second replica due at the same moment finds the rotation already done, under the lock.
    expect(await h.service.deps.keys.rotate({ onlyIfDue: true })).toBeUndefined();
  });

  test('unpublishes retired keys once their tokens have expired, and cleanup deletes them', async () => {
    await h.caller.request(token.TokenService.method.rotateKeys, {});
    const retired = await query(databaseUrl, "SELECT kid FROM token.signing_keys WHERE status = 'retired'");
    expect(retired.length).toBeGreaterThan(0);
    await query(
      databaseUrl,
      "UPDATE token.signing_keys SET publish_until = now() - interval '1 second' WHERE status = 'retired'",
    );
    await h.service.deps.keys.reload();
    const published = (await jwksOf(h)).map((key) => key.kid);
    expect(published).toHaveLength(2);
    for (const { kid } of retired) expect(published).not.toContain(kid);
    const report = await cleanup({
      grants: h.service.deps.grants,
      clients: h.service.deps.clients,
      keyStore: h.service.deps.keyStore,
      accessTokenTtlMs: 900_000,
      unusedClientTtlMs: 30 * 86_400_000,
    });
    expect(report.signingKeys).toBe(retired.length);
  });

  test('decrypts existing keys after the key-encryption keys rotate (new first, old still listed)', async ({
    infrastructure,
    isolation,
  }) => {
    const rotatedKeks = await startHarness(infrastructure, isolation, {
      TOKEN_KEY_ENCRYPTION_KEYS: `kek-b:${KEK_B.toString('base64url')},${KEYS_A}`,
    });
    harnesses.push(rotatedKeks);
    expect(rotatedKeks.service.deps.keys.signingKey().kid).toBe(h.service.deps.keys.signingKey().kid);
    await rotatedKeks.caller.request(token.TokenService.method.rotateKeys, {});
    const rows = await query(
      databaseUrl,
      "SELECT encryption_key_id FROM token.signing_keys WHERE status = 'next'",
    );
    expect(rows[0]!.encryption_key_id).toBe('kek-b');
  });
});

describe('first start', () => {
  test('creates exactly one current and one next key when replicas start at the same time', async ({
    infrastructure,
    isolation,
  }) => {
    const fresh = await createDatabase(infrastructure.postgresUrl, infrastructure.templateDatabase);
    const replicas: Harness[] = [];
    try {
      const env = { DATABASE_URL: fresh.url };
      replicas.push(
        ...(await Promise.all([1, 2, 3].map(() => startHarness(infrastructure, isolation, env)))),
      );
      const rows = await query(fresh.url, 'SELECT status FROM token.signing_keys ORDER BY status');
      expect(rows.map((row) => row.status)).toEqual(['current', 'next']);
      const kids = replicas.map((replica) => replica.service.deps.keys.signingKey().kid);
      expect(new Set(kids).size).toBe(1);
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
      await dropDatabase(infrastructure.postgresUrl, fresh.name);
    }
  });

  test('refuses to boot without the key-encryption key the stored keys need, saying which', async ({
    infrastructure,
    isolation,
  }) => {
    const fresh = await createDatabase(infrastructure.postgresUrl, infrastructure.templateDatabase);
    const env = {
      NATS_URL: infrastructure.natsUrl,
      NATS_SUBJECT_PREFIX: uniqueName('tok'),
      REDIS_URL: infrastructure.redisUrl,
      REDIS_KEY_PREFIX: `${isolation.redisPrefix}boot:`,
      DATABASE_URL: fresh.url,
    };
    await createTestStream(infrastructure.natsUrl, env.NATS_SUBJECT_PREFIX);
    try {
      const first = await startService('token', { ...env, TOKEN_KEY_ENCRYPTION_KEYS: KEYS_A });
      await first.stop();
      const error = await startService('token', {
        ...env,
        TOKEN_KEY_ENCRYPTION_KEYS: `kek-b:${KEK_B.toString('base64url')}`,
      }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain('exited with 1');
      expect((error as Error).message).toContain('"kek-a", which TOKEN_KEY_ENCRYPTION_KEYS does not contain');
    } finally {
      await dropDatabase(infrastructure.postgresUrl, fresh.name);
      await deleteTestStream(infrastructure.natsUrl, env.NATS_SUBJECT_PREFIX);
    }
  });
});

import { createLogger } from '@gatehouse/logging';
import { describe, expect, test } from '@gatehouse/testing';
import { jwksOf, testSigningKey } from '../../test/mcp/tokens.ts';
import { BearerError } from './errors.ts';
import { CachedSigningKeys, type JsonWebKeySet } from './signing-keys.ts';

const logger = createLogger({ service: 'test', level: 'silent' });

function source(initial: JsonWebKeySet) {
  let current = initial;
  let calls = 0;
  let failing = false;
  return {
    fetch: async () => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (failing) throw new Error('token service unreachable');
      return current;
    },
    set: (jwks: JsonWebKeySet) => {
      current = jwks;
    },
    fail: (value: boolean) => {
      failing = value;
    },
    calls: () => calls,
  };
}

describe('CachedSigningKeys', () => {
  test('re-reads the key set when a token names a new key (rotation)', async () => {
    const a = await testSigningKey('a');
    const b = await testSigningKey('b');
    const jwks = source(jwksOf(a));
    const keys = new CachedSigningKeys({
      source: jwks.fetch,
      logger,
      refreshIntervalMs: 60_000,
      refetchCooldownMs: 0,
    });
    expect(await keys.key('a')).toBeDefined();
    jwks.set(jwksOf(a, b));
    expect(await keys.key('b')).toBeDefined();
    expect(jwks.calls()).toBe(2);
  });

  test('a flood of tokens with random kids costs one request per cooldown', async () => {
    const a = await testSigningKey('a');
    let now = 0;
    const jwks = source(jwksOf(a));
    const keys = new CachedSigningKeys({
      source: jwks.fetch,
      logger,
      refreshIntervalMs: 60_000,
      refetchCooldownMs: 10_000,
      now: () => now,
    });
    await keys.refresh();
    const lookups = Array.from({ length: 200 }, (_, i) => keys.key(`random-${i}`));
    expect(await Promise.all(lookups)).toEqual(Array(200).fill(undefined));
    expect(jwks.calls()).toBe(1);
    now += 10_001;
    await Promise.all(Array.from({ length: 50 }, (_, i) => keys.key(`again-${i}`)));
    expect(jwks.calls()).toBe(2);
  });

  test('concurrent lookups of one unknown kid share a single request', async () => {
    const a = await testSigningKey('a');
    const jwks = source(jwksOf(a));
    const keys = new CachedSigningKeys({
      source: jwks.fetch,
      logger,
      refreshIntervalMs: 60_000,
      refetchCooldownMs: 0,
    });
    const found = await Promise.all(Array.from({ length: 20 }, () => keys.key('a')));
    expect(found.every(Boolean)).toBe(true);
    expect(jwks.calls()).toBe(1);
  });

  test('answers "unavailable" (not "invalid token") when the keys cannot be read', async () => {
    const jwks = source({ keys: [] });
    jwks.fail(true);
    const keys = new CachedSigningKeys({
      source: jwks.fetch,
      logger,
      refreshIntervalMs: 60_000,
      refetchCooldownMs: 0,
    });
    await expect(keys.key('a')).rejects.toSatisfy(
      (error) => error instanceof BearerError && error.kind === 'unavailable',
    );
  });

  test('ignores keys that are not P-256 signing keys, and reports withdrawn ones', async () => {
    const a = await testSigningKey('a');
    const b = await testSigningKey('b');
    const removed: string[][] = [];
    const jwks = source({
      keys: [
        a.publicJwk,
        b.publicJwk,
        { ...b.publicJwk, kid: 'enc', use: 'enc' },
        { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' },
      ],
    });
    const keys = new CachedSigningKeys({
      source: jwks.fetch,
      logger,
      refreshIntervalMs: 60_000,
      refetchCooldownMs: 60_000,
      onKeysRemoved: (kids) => removed.push(kids),
    });
    await keys.refresh();
    expect(await keys.key('enc')).toBeUndefined();
    expect(await keys.key('hmac')).toBeUndefined();
    jwks.set(jwksOf(b));
    await keys.refresh();
    expect(removed).toEqual([['a']]);
    expect(await keys.key('a')).toBeUndefined();
  });
});

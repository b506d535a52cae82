import { describe, expect, test } from '@gatehouse/testing';
import { Redis } from 'ioredis';
import type { PendingRequest } from '../src/authorization/pending-request.ts';
import { digest, newOpaqueId } from '../src/secrets.ts';
import { RedisPendingRequests, RedisUpstreamStates } from '../src/store/redis.ts';

const pending: PendingRequest = {
  client: { id: 'c1', name: 'Client', uri: '', kind: 'registered' },
  redirectUri: 'https://app.example/cb',
  state: 's',
  codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  scopes: ['repos:read'],
  resource: 'https://gh.example/mcp',
  prompt: [],
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The browser-flow state in the real Redis: expiry, single use under concurrency, digested keys.
describe('pending requests and GitHub states in Redis', () => {
  let redis: Redis;

  test.beforeAll(async ({ infrastructure, isolation }) => {
    redis = new Redis(infrastructure.redisUrl, { keyPrefix: isolation.redisPrefix });
  });
  test.afterAll(async () => {
    await redis?.quit();
  });

  test('a pending request expires, and an expired one cannot be rewritten back to life', async () => {
    const store = new RedisPendingRequests(redis);
    const id = newOpaqueId();
    await store.create(id, pending, 200);
    expect(await store.find(id)).toEqual(pending);
    expect(await store.update(id, { ...pending, state: 'changed' })).toBe(true);
    await sleep(300);
    expect(await store.find(id)).toBeNull();
    expect(await store.update(id, pending)).toBe(false);
    expect(await store.find(id)).toBeNull();
  });

  test('rewriting a pending request keeps its expiry', async () => {
    const store = new RedisPendingRequests(redis);
    const id = newOpaqueId();
    await store.create(id, pending, 60_000);
    await store.update(id, { ...pending, state: 'changed' });
    const [key] = await redis.keys(`${redis.options.keyPrefix}identity:pending:*`);
    const ttl = await redis.pttl(key!.slice(String(redis.options.keyPrefix).length));
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  test('of concurrent takers of one pending request or one GitHub state, exactly one wins', async () => {
    const requests = new RedisPendingRequests(redis);
    const states = new RedisUpstreamStates(redis);
    const id = newOpaqueId();
    const state = newOpaqueId();
    await requests.create(id, pending, 60_000);
    await states.create(state, { pendingId: id, codeVerifier: newOpaqueId(), browser: 'b' }, 60_000);
    const takenRequests = await Promise.all(Array.from({ length: 20 }, () => requests.take(id)));
    const takenStates = await Promise.all(Array.from({ length: 20 }, () => states.take(state)));
    expect(takenRequests.filter(Boolean)).toHaveLength(1);
    expect(takenStates.filter(Boolean)).toHaveLength(1);
  });

  test('keys are digests: neither the pending id nor the GitHub state appears in Redis', async () => {
    const id = newOpaqueId();
    const state = newOpaqueId();
    await new RedisPendingRequests(redis).create(id, pending, 60_000);
    await new RedisUpstreamStates(redis).create(
      state,
      { pendingId: 'p', codeVerifier: 'v', browser: 'b' },
      60_000,
    );
    const keys = (await redis.keys(`${redis.options.keyPrefix}identity:*`)).join(' ');
    expect(keys).toContain('identity:pending:');
    expect(keys).toContain('identity:upstream-state:');
    expect(keys).not.toContain(id);
    expect(keys).not.toContain(state);
  });

  test('a GitHub state reads back as what it continues; one stored before purposes existed is an authorization', async () => {
    const states = new RedisUpstreamStates(redis);
    const [account, authorization, legacy, foreign] = [
      newOpaqueId(),
      newOpaqueId(),
      newOpaqueId(),
      newOpaqueId(),
    ];
    await states.create(account, { purpose: 'account', codeVerifier: 'v', browser: 'b' }, 60_000);
    await states.create(
      authorization,
      { purpose: 'authorization', pendingId: 'p', codeVerifier: 'v', browser: 'b' },
      60_000,
    );
    // Written as the service wrote states before account sign-in, and a value of no known shape.
    const key = (state: string) => `identity:upstream-state:${digest(state)}`;
    await redis.set(key(legacy), JSON.stringify({ pendingId: 'p', codeVerifier: 'v', browser: 'b' }));
    await redis.set(key(foreign), JSON.stringify({ purpose: 'account', browser: 'b' }));

    expect(await states.take(account)).toEqual({ purpose: 'account', codeVerifier: 'v', browser: 'b' });
    expect(await states.take(authorization)).toMatchObject({ purpose: 'authorization', pendingId: 'p' });
    expect(await states.take(legacy)).toEqual({ pendingId: 'p', codeVerifier: 'v', browser: 'b' });
    expect(await states.take(foreign)).toBeNull();
    expect(await states.take(foreign)).toBeNull();
  });
});

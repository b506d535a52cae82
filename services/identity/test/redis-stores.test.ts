import { describe, expect, test } from '@gatehouse/testing';
import { Redis } from 'ioredis';
import type { PendingRequest } from '../src/authorization/pending-request.ts';
import { newOpaqueId } from '../src/secrets.ts';
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
});

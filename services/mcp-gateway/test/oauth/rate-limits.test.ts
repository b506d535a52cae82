import { fromBinary } from '@bufbuild/protobuf';
import { EventSchema, Outcome } from '@gatehouse/proto';
import { describe, expect, test } from '@gatehouse/testing';
import { withTestEventStream } from './event-stream.ts';
import { startGateway, type TestGateway } from './test-gateway.ts';

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'Content-Type': 'application/json' };
const LIMITS = {
  RATE_LIMIT_REGISTER_PER_IP: '3/1m',
  RATE_LIMIT_AUTHORIZE_PER_IP: '2/1m',
  RATE_LIMIT_TOKEN_PER_IP: '100/1m',
  RATE_LIMIT_TOKEN_PER_CLIENT: '2/1m',
  RATE_LIMIT_ACCOUNT_PER_IP: '2/1m',
};

/** Every `gateway.rate_limit.exceeded` event published on the gateway's bus, decoded. */
function collectRateLimitEvents(gateway: TestGateway) {
  const events: ReturnType<typeof fromBinary<typeof EventSchema>>[] = [];
  gateway.bus.nc.subscribe(`${gateway.bus.prefix}.evt.gateway.rate_limit.exceeded.v1`, {
    callback: (_error, msg) => events.push(fromBinary(EventSchema, msg.data)),
  });
  return events;
}

const register = (gateway: TestGateway, headers: Record<string, string> = {}) =>
  fetch(`${gateway.url}/oauth/register`, {
    method: 'POST',
    headers: { ...JSON_TYPE, ...headers },
    body: '{',
  });

describe('rate limits', () => {
  withTestEventStream();
  // Each gateway gets its own Redis key prefix, so their counters do not add up.
  let direct: TestGateway;
  let behindProxy: TestGateway;
  test.beforeAll(async ({ infrastructure, isolation }) => {
    direct = await startGateway(infrastructure, isolation, {
      ...LIMITS,
      REDIS_KEY_PREFIX: `${isolation.redisPrefix}direct:`,
    });
    behindProxy = await startGateway(infrastructure, isolation, {
      ...LIMITS,
      TRUST_PROXY: 'loopback',
      REDIS_KEY_PREFIX: `${isolation.redisPrefix}proxy:`,
    });
  });
  test.afterAll(async () => {
    await Promise.all([direct.close(), behindProxy.close()]);
  });

  test('answers 429 with Retry-After and an OAuth error once an address spends its budget', async () => {
    for (let i = 0; i < 3; i++) expect((await register(direct)).status).toBe(400);
    const limited = await register(direct);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get('cache-control')).toBe('no-store');
    expect(await limited.json()).toEqual({
      error: 'temporarily_unavailable',
      error_description: `Too many requests; retry after ${retryAfter} seconds.`,
    });
  });

  test('ignores X-Forwarded-For without TRUST_PROXY: a spoofed address does not buy a new budget', async () => {
    const responses = await Promise.all(
      ['203.0.113.1', '203.0.113.2', '203.0.113.3'].map((ip) => register(direct, { 'X-Forwarded-For': ip })),
    );
    expect(responses.map((response) => response.status)).toEqual([429, 429, 429]);
  });

  test('honours X-Forwarded-For from a trusted proxy: each client address has its own budget', async () => {
    const events = collectRateLimitEvents(behindProxy);
    const from = (ip: string) => register(behindProxy, { 'X-Forwarded-For': ip });
    for (let i = 0; i < 3; i++) expect((await from('198.51.100.7')).status).toBe(400);
    expect((await from('198.51.100.7')).status).toBe(429);
    expect((await from('198.51.100.8')).status).toBe(400);
    // A client cannot prepend its own entries: the nearest untrusted address counts.
    expect((await from('10.9.9.9, 198.51.100.7')).status).toBe(429);

    // A flood costs one event per key and window, not one per request.
    await Promise.all(Array.from({ length: 10 }, () => from('198.51.100.7')));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'gateway.rate_limit.exceeded',
      service: 'mcp-gateway',
      outcome: Outcome.DENIED,
      ip: '198.51.100.7',
      reason: 'rate_limited',
      details: { limit: 'register-ip', requests: '3', window_seconds: '60' },
    });
  });

  test('counts the token endpoint per claimed client, across addresses', async () => {
    const events = collectRateLimitEvents(behindProxy);
    const basic = `Basic ${Buffer.from('client-b:secret').toString('base64')}`;
    const asClient = (ip: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${behindProxy.url}/oauth/token`, {
        method: 'POST',
        headers: { ...FORM, 'X-Forwarded-For': ip, ...headers },
        body,
      });
    expect((await asClient('192.0.2.1', 'grant_type=refresh_token&client_id=client-a')).status).toBe(503);
    expect((await asClient('192.0.2.2', 'grant_type=refresh_token&client_id=client-a')).status).toBe(503);
    const limited = await asClient('192.0.2.3', 'grant_type=refresh_token&client_id=client-a');
    expect(limited.status).toBe(429);
    // Another client, named in a Basic header instead of the body, has its own budget.
    expect((await asClient('192.0.2.3', 'grant_type=refresh_token', { Authorization: basic })).status).toBe(
      503,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ clientId: 'client-a', details: { limit: 'token-client' } });
  });

  test('limits the authorization endpoint per address with an HTML 429 page', async () => {
    const authorize = () =>
      fetch(`${direct.url}/oauth/authorize?response_type=code&client_id=c`, { redirect: 'manual' });
    expect((await authorize()).status).toBe(503);
    expect((await authorize()).status).toBe(503);
    const limited = await authorize();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await limited.text()).toContain('Too many requests');
  });

  test('counts account sign-ins against the account limit, before asking identity', async () => {
    const signIn = () => fetch(`${direct.url}/account/sign-in`, { redirect: 'manual' });
    expect((await signIn()).status).toBe(503);
    expect((await signIn()).status).toBe(503);
    const limited = await signIn();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('location')).toBeNull();
    expect(await limited.text()).toContain('Too many requests');
  });

  test('keeps counting in memory while Redis is unreachable', async ({ infrastructure, isolation }) => {
    const offline = await startGateway(infrastructure, isolation, {
      ...LIMITS,
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    try {
      for (let i = 0; i < 3; i++) expect((await register(offline)).status).toBe(400);
      expect((await register(offline)).status).toBe(429);
    } finally {
      await offline.close();
    }
  });
});

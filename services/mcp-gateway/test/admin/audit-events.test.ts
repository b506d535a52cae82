import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Bus, type EventInput } from '@gatehouse/bus';
import { createLogger } from '@gatehouse/logging';
import { describe, expect, type RunningService, startService, test } from '@gatehouse/testing';
import { Redis } from 'ioredis';
import { createGateway } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';

const ADMIN_TOKEN = 'gh-admin-7f1c2e9a4b3d48e0a6f5c1d2b3a49e8f';
const STREAM_BYTES = 16 * 1024 ** 2;
const logger = createLogger({ service: 'test', level: 'silent' });

interface Harness {
  url: string;
  /** A gateway built without ADMIN_TOKEN_SHA256. */
  disabledUrl: string;
  audit: RunningService;
  publisher: Bus;
}

async function listen(app: ReturnType<typeof createGateway>['app']) {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

// The gateway's composition in-process (its public routes as start.ts builds them) against a real
// audit service, NATS and Redis; events reach the table the production way, through JetStream.
const it = test.extend<{ harness: Harness }>({
  harness: [
    async ({ infrastructure, isolation }, use) => {
      const audit = await startService('audit', {
        NATS_URL: infrastructure.natsUrl,
        NATS_SUBJECT_PREFIX: isolation.natsPrefix,
        DATABASE_URL: isolation.databaseUrl,
        EVENT_STREAM_MAX_BYTES: String(STREAM_BYTES),
      });
      const bus = await Bus.connect({
        url: infrastructure.natsUrl,
        prefix: isolation.natsPrefix,
        service: 'mcp-gateway',
        logger,
        stream: { maxBytes: STREAM_BYTES },
      });
      const publisher = await Bus.connect({
        url: infrastructure.natsUrl,
        prefix: isolation.natsPrefix,
        service: 'token',
        logger,
        stream: { maxBytes: STREAM_BYTES },
      });
      const redis = new Redis(infrastructure.redisUrl, { keyPrefix: isolation.redisPrefix });
      const env = {
        NATS_URL: infrastructure.natsUrl,
        NATS_SUBJECT_PREFIX: isolation.natsPrefix,
        REDIS_URL: infrastructure.redisUrl,
        REDIS_KEY_PREFIX: isolation.redisPrefix,
        LOG_LEVEL: 'silent',
      };
      const enabled = await listen(
        createGateway({
          config: loadConfig({
            ...env,
            ADMIN_TOKEN_SHA256: `${'0'.repeat(64)},${createHash('sha256').update(ADMIN_TOKEN).digest('hex')}`,
          }),
          logger,
          bus,
          redis,
        }).app,
      );
      const disabled = await listen(createGateway({ config: loadConfig(env), logger, bus, redis }).app);

      await use({ url: enabled.url, disabledUrl: disabled.url, audit, publisher });

      enabled.server.close();
      disabled.server.close();
      await audit.stop();
      await redis.quit();
      await publisher.drain();
      await bus.drain();
      // The isolation fixture deletes the file's streams, the audit dead letters' included.
    },
    { scope: 'file' },
  ],
});

const authorized = { authorization: `Bearer ${ADMIN_TOKEN}` };

function event(overrides: Partial<EventInput> = {}): EventInput {
  return {
    type: 'token.refresh_token.rotated',
    outcome: 'success',
    actor: { userId: 'u-octocat', githubLogin: 'octocat' },
    clientId: 'chatgpt',
    grantId: 'g1',
    ip: '203.0.113.7',
    ...overrides,
  };
}

async function getJson(url: string, headers: Record<string, string> = authorized) {
  const response = await fetch(url, { headers });
  return { response, body: (await response.json()) as Record<string, unknown> };
}

describe('GET /admin/audit/events: the admin credential', () => {
  it('answers 401 with the admin realm when no credential is presented', async ({ harness }) => {
    for (const headers of [{}, { authorization: 'Basic YWRtaW46YWRtaW4=' }] as Record<string, string>[]) {
      const { response, body } = await getJson(`${harness.url}/admin/audit/events`, headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="gatehouse-admin"');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(body).toEqual({
        error: 'invalid_token',
        error_description: 'This endpoint needs the admin bearer token.',
      });
    }
  });

  it('answers 401 invalid_token to a wrong or malformed token, whatever its length', async ({ harness }) => {
    for (const token of ['wrong', ADMIN_TOKEN.slice(0, -1), `${ADMIN_TOKEN}x`, '0'.repeat(64), 'a b']) {
      const { response, body } = await getJson(`${harness.url}/admin/audit/events`, {
        authorization: `Bearer ${token}`,
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(
        'Bearer realm="gatehouse-admin", error="invalid_token"',
      );
      expect(body).toEqual({
        error: 'invalid_token',
        error_description: 'The admin bearer token is not valid.',
      });
    }
  });

  it('does not exist when no admin token is configured', async ({ harness }) => {
    const { response } = await getJson(`${harness.disabledUrl}/admin/audit/events`);
    expect(response.status).toBe(404);
  });
});

describe('GET /admin/audit/events: querying', () => {
  it('answers the right token with the matching events as JSON, newest first', async ({ harness }) => {
    const first = await harness.publisher.events.publish(event({ type: 'token.token.issued' }));
    const second = await harness.publisher.events.publish(
      event({ outcome: 'denied', reason: 'invalid_grant', type: 'token.refresh_token.reused' }),
    );
    await harness.publisher.events.publish(event({ actor: { githubLogin: 'hubot' } }));
    const url = `${harness.url}/admin/audit/events?user=OctoCat&type=token.&since=1h`;
    await expect
      .poll(async () => ((await getJson(url)).body.events as unknown[] | undefined)?.length, {
        timeout: 10_000,
      })
      .toBe(2);
    const { response, body } = await getJson(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body.next_cursor).toBeNull();
    expect(body.events).toEqual([
      expect.objectContaining({
        id: second.id,
        type: 'token.refresh_token.reused',
        service: 'token',
        actor: { user_id: 'u-octocat', github_login: 'octocat' },
        client_id: 'chatgpt',
        grant_id: 'g1',
        ip: '203.0.113.7',
        outcome: 'OUTCOME_DENIED',
        reason: 'invalid_grant',
      }),
      expect.objectContaining({ id: first.id, outcome: 'OUTCOME_SUCCESS' }),
    ]);
    const denied = await getJson(
      `${harness.url}/admin/audit/events?user=octocat&outcome=denied&client_id=chatgpt`,
    );
    expect((denied.body.events as { id: string }[]).map((e) => e.id)).toEqual([second.id]);
  });

  it('pages with next_cursor', async ({ harness }) => {
    const ids = [];
    for (let i = 0; i < 5; i += 1)
      ids.push((await harness.publisher.events.publish(event({ grantId: 'g-pages' }))).id);
    const base = `${harness.url}/admin/audit/events?grant_id=g-pages&order=oldest_first&limit=2`;
    await expect
      .poll(
        async () =>
          ((await getJson(`${base.replace('limit=2', 'limit=10')}`)).body.events as unknown[]).length,
        {
          timeout: 10_000,
        },
      )
      .toBe(5);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const { body } = await getJson(cursor ? `${base}&cursor=${encodeURIComponent(cursor)}` : base);
      seen.push(...(body.events as { id: string }[]).map((e) => e.id));
      cursor = body.next_cursor as string | null;
    } while (cursor);
    expect(seen).toEqual(ids);
  });

  it('streams every matching event as NDJSON across pages, by Accept header or format parameter', async ({
    harness,
  }) => {
    const ids = new Set<string>();
    for (let i = 0; i < 1_100; i += 1)
      ids.add(harness.publisher.events.emit(event({ clientId: 'bulk-client' })).id);
    const exportAll = async () => {
      const response = await fetch(`${harness.url}/admin/audit/events?client_id=bulk-client`, {
        headers: { ...authorized, accept: 'application/x-ndjson' },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
      return (await response.text())
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as { id: string; client_id: string });
    };
    await expect.poll(async () => (await exportAll()).length, { timeout: 15_000 }).toBe(1_100);
    const exported = await exportAll();
    expect(new Set(exported.map((e) => e.id))).toEqual(ids);

    const capped = await fetch(
      `${harness.url}/admin/audit/events?client_id=bulk-client&format=ndjson&limit=3`,
      {
        headers: authorized,
      },
    );
    expect((await capped.text()).trimEnd().split('\n')).toHaveLength(3);
  });

  it('refuses a bad query with 400 and a precise description', async ({ harness }) => {
    const cases: [string, string][] = [
      ['frobnicate=1', 'unknown query parameter "frobnicate"'],
      ['user=a&user=b', 'user must be given once'],
      ['since=yesterday', 'since must be a time ago (30s, 15m, 24h, 7d, 2w) or ISO-8601 with an offset'],
      [
        'since=2026-11-23T10:00:00',
        'since must be a time ago (30s, 15m, 24h, 7d, 2w) or ISO-8601 with an offset',
      ],
      ['outcome=ok', 'outcome must be success, failure or denied'],
      ['order=sideways', 'order must be newest_first or oldest_first'],
      ['format=csv', 'format must be json or ndjson'],
      ['limit=0', 'limit must be a positive whole number'],
      ['limit=5000', 'limit must be an integer between 1 and 1000'],
      [
        'type=token.nope',
        'unknown event type "token.nope"; give a type from docs/audit.md or a prefix ending in "."',
      ],
      ['cursor=abc', 'cursor is not one this service issued'],
      ['since=1h&until=2h', 'since must be earlier than until'],
    ];
    for (const [query, description] of cases) {
      const { response, body } = await getJson(`${harness.url}/admin/audit/events?${query}`);
      expect({ query, status: response.status, body }).toEqual({
        query,
        status: 400,
        body: { error: 'invalid_request', error_description: description },
      });
    }
  });

  it('records who read the audit log, and who was refused', async ({ harness }) => {
    await fetch(`${harness.url}/admin/audit/events?user=octocat&type=token.`, {
      headers: { ...authorized, 'user-agent': 'ops-laptop/1.0' },
    });
    await fetch(`${harness.url}/admin/audit/events`, { headers: { authorization: 'Bearer guessed' } });
    const url = `${harness.url}/admin/audit/events?type=gateway.audit.queried&since=1h`;
    const reads = async () => (await getJson(url)).body.events as Record<string, unknown>[];
    const recorded = (events: Record<string, unknown>[]) =>
      events.some((e) => e.user_agent === 'ops-laptop/1.0') &&
      events.some((e) => e.outcome === 'OUTCOME_DENIED');
    await expect.poll(async () => recorded(await reads()), { timeout: 10_000 }).toBe(true);
    const events = await reads();
    expect(events).toContainEqual(
      expect.objectContaining({
        service: 'mcp-gateway',
        outcome: 'OUTCOME_SUCCESS',
        user_agent: 'ops-laptop/1.0',
        details: { filters: 'user=octocat type=token.', format: 'json', events: expect.any(String) },
      }),
    );
    // Refusals are reported at most once a minute per address; earlier tests were refused too.
    expect(events).toContainEqual(
      expect.objectContaining({
        outcome: 'OUTCOME_DENIED',
        reason: expect.stringMatching(/^(missing_credential|invalid_token)$/),
        details: expect.objectContaining({ path: '/admin/audit/events' }),
      }),
    );
    expect(JSON.stringify(events)).not.toContain('guessed');
  });

  it('answers 503 with Retry-After when the audit service is down', async ({ harness }) => {
    await harness.audit.stop();
    const { response, body } = await getJson(`${harness.url}/admin/audit/events`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(body).toEqual({
      error: 'unavailable',
      error_description: 'The service is not available right now.',
    });
  });
});

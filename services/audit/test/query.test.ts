import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type Bus, BusError } from '@gatehouse/bus';
import { AuditService, Order, Outcome, type QueryEventsRequestSchema } from '@gatehouse/proto';
import { describe, expect, type RunningService, startService, test } from '@gatehouse/testing';
import { v7 as uuidv7 } from 'uuid';
import type { AuditRecord } from '../src/events/record.ts';
import { createEventStore } from '../src/store/events.ts';
import { createDatabase } from '../src/store/prisma.ts';
import { auditEnv, connectBus, removeStreamsAndDrain } from './helpers.ts';

type Query = MessageInitShape<typeof QueryEventsRequestSchema>;

const now = Date.now();
const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000);

function record(
  name: string,
  secondsAgo: number,
  fields: Partial<AuditRecord>,
): AuditRecord & { name: string } {
  return {
    name,
    id: uuidv7(),
    type: 'token.token.issued',
    occurredAt: at(secondsAgo),
    service: 'token',
    userId: 'u1',
    githubLogin: 'Octocat',
    clientId: 'c1',
    grantId: null,
    ip: '203.0.113.7',
    userAgent: 'agent',
    outcome: 'success',
    reason: null,
    traceId: null,
    details: {},
    ...fields,
  };
}

// One person's flow, another person's tool call, and a type outside the taxonomy (stored before a
// rename, say) whose name differs from a real prefix only where `_` would match as a LIKE wildcard.
const seeded = [
  record('login', 600, { type: 'identity.login.succeeded', service: 'identity' }),
  record('code', 500, { type: 'token.code.issued', grantId: 'g1' }),
  record('issued', 400, { type: 'token.token.issued', grantId: 'g1' }),
  record('rotated', 300, { type: 'token.refresh_token.rotated', grantId: 'g1' }),
  record('reused', 200, {
    type: 'token.refresh_token.reused',
    grantId: 'g1',
    outcome: 'denied',
    reason: 'invalid_grant',
  }),
  record('revoked', 200, { type: 'token.grant.revoked', grantId: 'g1' }),
  // The gateway knows a token's subject, not the login: this event carries octocat's user id only.
  record('octo-tool', 150, {
    type: 'gateway.tool.called',
    service: 'mcp-gateway',
    githubLogin: null,
    grantId: 'g1',
  }),
  record('tool', 100, {
    type: 'gateway.tool.called',
    service: 'mcp-gateway',
    userId: 'u2',
    githubLogin: 'hubot',
    clientId: 'c2',
    grantId: 'g2',
    outcome: 'failure',
    reason: 'rate_limited',
    details: { tool: 'create_issue' },
  }),
  record('lookalike', 50, { type: 'token.refreshXtoken.rotated', userId: 'u3', githubLogin: null }),
];

const byName = (name: string) => seeded.find((r) => r.name === name)!;
const newestFirst = [...seeded].sort(
  (a, b) => b.occurredAt.getTime() - a.occurredAt.getTime() || (a.id < b.id ? 1 : -1),
);

const it = test.extend<{ audit: RunningService; bus: Bus }>({
  bus: [
    async ({ infrastructure, isolation }, use) => {
      const bus = await connectBus(infrastructure.natsUrl, isolation.natsPrefix, 'mcp-gateway');
      await use(bus);
      await removeStreamsAndDrain(bus);
    },
    { scope: 'file' },
  ],
  audit: [
    async ({ infrastructure, isolation, bus: _bus }, use) => {
      const database = createDatabase(isolation.databaseUrl);
      await createEventStore(database).insert(seeded);
      await database.$disconnect();
      const audit = await startService('audit', auditEnv(infrastructure, isolation));
      await use(audit);
      await audit.stop();
    },
    { scope: 'file' },
  ],
});

async function names(bus: Bus, query: Query): Promise<string[]> {
  const reply = await bus.request(AuditService.method.queryEvents, query);
  return reply.events.map((event) => seeded.find((r) => r.id === event.id)?.name ?? event.id);
}

async function refusal(bus: Bus, query: Query): Promise<BusError> {
  const error = await bus.request(AuditService.method.queryEvents, query).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BusError);
  return error as BusError;
}

describe('querying events over NATS', () => {
  it('answers newest first, with every envelope field', async ({ audit: _audit, bus }) => {
    const reply = await bus.request(AuditService.method.queryEvents, {});
    expect(reply.events.map((e) => e.id)).toEqual(newestFirst.map((r) => r.id));
    expect(reply.nextCursor).toBe('');
    const tool = reply.events.find((e) => e.id === byName('tool').id);
    expect(tool).toMatchObject({
      type: 'gateway.tool.called',
      service: 'mcp-gateway',
      actor: { userId: 'u2', githubLogin: 'hubot' },
      clientId: 'c2',
      grantId: 'g2',
      ip: '203.0.113.7',
      userAgent: 'agent',
      outcome: Outcome.FAILURE,
      reason: 'rate_limited',
      details: { tool: 'create_issue' },
    });
    expect(tool?.occurredAt).toEqual(timestampFromDate(byName('tool').occurredAt));
  });

  it('filters by user id or GitHub login, case-insensitively for logins', async ({ audit: _audit, bus }) => {
    const flow = ['octo-tool', 'revoked', 'reused', 'rotated', 'issued', 'code', 'login'];
    // `user` resolves a login to the user ids it was seen with: octocat's tool call is included.
    expect(await names(bus, { user: 'OCTOCAT' })).toEqual(flow);
    expect(await names(bus, { user: 'u1' })).toEqual(flow);
    expect(await names(bus, { user: 'u2' })).toEqual(['tool']);
    expect(await names(bus, { user: 'hubot' })).toEqual(['tool']);
    // `github_login` is literal: only the events that carry the login.
    expect((await names(bus, { githubLogin: 'octocat' })).sort()).toEqual(flow.slice(1).sort());
    expect(await names(bus, { userId: 'u3' })).toEqual(['lookalike']);
    expect(await names(bus, { userId: 'octocat' })).toEqual([]);
  });

  it('filters by client, grant, outcome and time range', async ({ audit: _audit, bus }) => {
    expect(await names(bus, { clientId: 'c2' })).toEqual(['tool']);
    expect((await names(bus, { grantId: 'g1' })).sort()).toEqual([
      'code',
      'issued',
      'octo-tool',
      'reused',
      'revoked',
      'rotated',
    ]);
    expect(await names(bus, { outcome: Outcome.DENIED })).toEqual(['reused']);
    expect(await names(bus, { outcome: Outcome.FAILURE, clientId: 'c2' })).toEqual(['tool']);
    expect(await names(bus, { outcome: Outcome.FAILURE, clientId: 'c1' })).toEqual([]);
    // since is inclusive, until exclusive.
    const window = await names(bus, {
      since: timestampFromDate(at(300)),
      until: timestampFromDate(at(100)),
    });
    expect(window.sort()).toEqual(['octo-tool', 'reused', 'revoked', 'rotated']);
  });

  it('filters by exact type or type prefix, where "_" in a prefix is literal', async ({
    audit: _audit,
    bus,
  }) => {
    expect(await names(bus, { type: 'token.grant.revoked' })).toEqual(['revoked']);
    expect((await names(bus, { type: 'token.refresh_token.' })).sort()).toEqual(['reused', 'rotated']);
    expect((await names(bus, { type: 'token.' })).sort()).toEqual(
      ['code', 'issued', 'lookalike', 'reused', 'revoked', 'rotated'].sort(),
    );
    expect(await names(bus, { type: 'identity.', user: 'octocat' })).toEqual(['login']);
  });

  it('pages with a cursor through ties on occurred_at, in both orders, without gaps or repeats', async ({
    audit: _audit,
    bus,
  }) => {
    for (const [order, expected] of [
      [Order.NEWEST_FIRST, newestFirst],
      [Order.OLDEST_FIRST, [...newestFirst].reverse()],
    ] as const) {
      for (const limit of [1, 2, 3, 5]) {
        const seen: string[] = [];
        let cursor = '';
        let pages = 0;
        do {
          const reply = await bus.request(AuditService.method.queryEvents, { order, limit, cursor });
          expect(reply.events.length).toBeLessThanOrEqual(limit);
          seen.push(...reply.events.map((e) => e.id));
          cursor = reply.nextCursor;
          pages += 1;
        } while (cursor !== '' && pages < 20);
        expect(seen).toEqual(expected.map((r) => r.id));
      }
    }
  });

  it('refuses bad queries with a precise invalid_request', async ({ audit: _audit, bus }) => {
    expect(await refusal(bus, { limit: 1001 })).toMatchObject({
      code: 'invalid_request',
      httpStatus: 400,
      description: 'limit must be an integer between 1 and 1000',
    });
    expect((await refusal(bus, { cursor: 'not-a-cursor' })).description).toBe(
      'cursor is not one this service issued',
    );
    expect((await refusal(bus, { type: 'token.nope' })).description).toMatch(
      /^unknown event type "token.nope"/,
    );
    expect((await refusal(bus, { type: 'tokn.' })).description).toBe('no event type starts with "tokn."');
    expect(
      (await refusal(bus, { since: timestampFromDate(at(10)), until: timestampFromDate(at(20)) }))
        .description,
    ).toBe('since must be earlier than until');
    expect((await refusal(bus, { outcome: 9 as Outcome })).description).toBe(
      'outcome must be success, failure or denied',
    );
  });

  it('cuts a page that would not fit in one NATS message and resumes after it', async ({
    audit: _audit,
    bus,
    isolation,
  }) => {
    const details = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'x'.repeat(500)]));
    const big = Array.from({ length: 300 }, (_, i) =>
      record(`big${i}`, 1_000 + i, { userId: 'big', githubLogin: null, details }),
    );
    const database = createDatabase(isolation.databaseUrl);
    await createEventStore(database).insert(big);
    await database.$disconnect();

    const first = await bus.request(AuditService.method.queryEvents, { user: 'big', limit: 300 });
    expect(first.events.length).toBeGreaterThan(50);
    expect(first.events.length).toBeLessThan(300);
    expect(first.nextCursor).not.toBe('');
    const ids = first.events.map((e) => e.id);
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await bus.request(AuditService.method.queryEvents, { user: 'big', limit: 300, cursor });
      ids.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor;
    }
    expect(ids).toEqual(big.map((r) => r.id));
  });
});

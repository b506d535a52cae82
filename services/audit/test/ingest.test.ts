import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EventSchema, eventSubject, Outcome } from '@gatehouse/proto';
import { describe, expect } from '@gatehouse/testing';
import { v7 as uuidv7 } from 'uuid';
import { auditTest, metric, rowsWithIds, sampleEvent, sql } from './helpers.ts';

const it = auditTest();

describe('storing events', () => {
  it('stores a published event once, with every envelope field', async ({ audit, bus, isolation }) => {
    const event = await bus.events.publish(
      sampleEvent({ reason: 'none', details: { scope: 'repo:read issues:write', family_size: 2 } }),
    );
    await expect
      .poll(async () => (await rowsWithIds(isolation.databaseUrl, [event.id])).length, { timeout: 5_000 })
      .toBe(1);
    const [row] = await rowsWithIds(isolation.databaseUrl, [event.id]);
    expect(row).toMatchObject({
      id: event.id,
      type: 'token.refresh_token.rotated',
      service: 'token',
      user_id: 'user-1',
      github_login: 'octocat',
      client_id: 'client-1',
      grant_id: 'grant-1',
      ip: '203.0.113.7',
      user_agent: 'test-agent/1.0',
      outcome: 'success',
      reason: 'none',
      details: { scope: 'repo:read issues:write', family_size: '2' },
    });
    expect(row?.occurred_at.getTime()).toBe(
      Number(event.occurredAt!.seconds) * 1000 + Math.floor(event.occurredAt!.nanos / 1e6),
    );
    expect(row!.recorded_at.getTime()).toBeGreaterThanOrEqual(row!.occurred_at.getTime());
    expect(audit.output()).not.toContain('repo:read issues:write');
  });

  it('stores empty envelope fields as NULL', async ({ bus, isolation }) => {
    const event = await bus.events.publish({ type: 'identity.authorization.rejected', outcome: 'denied' });
    await expect
      .poll(async () => (await rowsWithIds(isolation.databaseUrl, [event.id])).length, { timeout: 5_000 })
      .toBe(1);
    const [row] = await rowsWithIds(isolation.databaseUrl, [event.id]);
    expect(row).toMatchObject({
      user_id: null,
      github_login: null,
      client_id: null,
      grant_id: null,
      ip: null,
      user_agent: null,
      reason: null,
      outcome: 'denied',
      details: {},
    });
  });

  it('stores an event re-published under a new message id once, and counts the duplicate', async ({
    audit,
    bus,
    isolation,
  }) => {
    // Past JetStream's duplicate window a retried publish is a second stream message: the
    // table's primary key is what keeps it to one row.
    const id = uuidv7();
    const data = toBinary(
      EventSchema,
      create(EventSchema, {
        id,
        type: 'token.grant.revoked',
        occurredAt: timestampFromDate(new Date()),
        service: 'token',
        outcome: Outcome.SUCCESS,
        grantId: 'grant-dup',
      }),
    );
    const duplicatesBefore = await metric(audit.ready.health_port, 'gatehouse_audit_events_duplicated_total');
    const js = bus.nc.jetstream();
    const subject = `${bus.prefix}.${eventSubject('token.grant.revoked')}`;
    const first = await js.publish(subject, data, { msgID: `${id}-first` });
    const second = await js.publish(subject, data, { msgID: `${id}-second` });
    expect(second.seq).toBeGreaterThan(first.seq);
    await expect
      .poll(() => metric(audit.ready.health_port, 'gatehouse_audit_events_duplicated_total'), {
        timeout: 10_000,
      })
      .toBe(duplicatesBefore + 1);
    expect(await rowsWithIds(isolation.databaseUrl, [id])).toHaveLength(1);
  });

  it('keeps an event whose client-controlled fields hold NUL characters', async ({ bus, isolation }) => {
    const event = await bus.events.publish(
      sampleEvent({ userAgent: 'evil\u0000agent', details: { client_name: 'a\u0000b' } }),
    );
    await expect
      .poll(async () => (await rowsWithIds(isolation.databaseUrl, [event.id])).length, { timeout: 5_000 })
      .toBe(1);
    const [row] = await rowsWithIds(isolation.databaseUrl, [event.id]);
    expect(row?.user_agent).toBe('evil\uFFFDagent');
    expect(row?.details).toEqual({ client_name: 'a\uFFFDb' });
  });

  it('stores a burst of events exactly once each and reports what it received and stored', async ({
    audit,
    bus,
    isolation,
  }) => {
    const storedBefore = await metric(audit.ready.health_port, 'gatehouse_audit_events_stored_total');
    const receivedBefore = await metric(audit.ready.health_port, 'gatehouse_audit_events_received_total');
    const ids = Array.from(
      { length: 1_200 },
      (_, i) => bus.events.emit(sampleEvent({ details: { n: i } })).id,
    );
    await expect
      .poll(
        async () =>
          (
            await sql<{ n: number }>(
              isolation.databaseUrl,
              'SELECT count(*)::int AS n FROM audit.events WHERE id = ANY($1::uuid[])',
              [ids],
            )
          )[0]?.n,
        { timeout: 15_000 },
      )
      .toBe(1_200);
    expect(await metric(audit.ready.health_port, 'gatehouse_audit_events_stored_total')).toBe(
      storedBefore + 1_200,
    );
    expect(
      await metric(audit.ready.health_port, 'gatehouse_audit_events_received_total'),
    ).toBeGreaterThanOrEqual(receivedBefore + 1_200);
  });

  it('reports the consumer lag and a ready health check', async ({ audit }) => {
    const ready = await fetch(`http://127.0.0.1:${String(audit.ready.health_port)}/readyz`);
    expect(ready.status).toBe(200);
    const text = await (await fetch(`http://127.0.0.1:${String(audit.ready.health_port)}/metrics`)).text();
    expect(text).toMatch(/^gatehouse_audit_consumer_pending \d+$/m);
    expect(text).toMatch(/^gatehouse_audit_consumer_ack_pending \d+$/m);
  });
});

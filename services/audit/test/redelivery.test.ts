import { eventStreamName } from '@gatehouse/bus';
import { describe, expect, startService, test } from '@gatehouse/testing';
import type { JsMsg } from 'nats';
import { DURABLE_NAME, ensureAuditConsumer } from '../src/ingest/consumer.ts';
import { DEAD_LETTER_HEADERS } from '../src/ingest/dead-letter-stream.ts';
import {
  auditEnv,
  connectBus,
  metric,
  readDeadLetters,
  removeStreamsAndDrain,
  rowsWithIds,
  sampleEvent,
  sql,
} from './helpers.ts';

// The test plays a replica that took events from the durable consumer and died: one after its
// insert committed but before its ack, one repeatedly. Then the real service takes over.
describe('redelivery', () => {
  test('a redelivered event is stored once, and one delivered max_deliver times is also dead-lettered', async ({
    infrastructure,
    isolation,
  }) => {
    const bus = await connectBus(infrastructure.natsUrl, isolation.natsPrefix);
    const stream = eventStreamName(bus.prefix);
    await ensureAuditConsumer(await bus.jetstreamManager(), {
      prefix: bus.prefix,
      stream,
      ackWaitMs: 30_000,
      maxDeliver: 3,
      maxAckPending: 4_000,
    });
    const durable = await bus.nc.jetstream().consumers.get(stream, DURABLE_NAME);
    const takeOne = async (): Promise<JsMsg> => {
      const messages = await durable.fetch({ max_messages: 1, expires: 2_000 });
      for await (const message of messages) return message;
      throw new Error('nothing delivered');
    };

    const unlucky = await bus.events.publish(sampleEvent({ details: { case: 'unlucky' } }));
    const first = await takeOne();
    expect(first.info.deliveryCount).toBe(1);
    first.nak();
    const second = await takeOne();
    expect(second.info.deliveryCount).toBe(2);
    second.nak(1_500);

    const committed = await bus.events.publish(sampleEvent({ details: { case: 'committed' } }));
    const taken = await takeOne();
    expect(taken.info.streamSequence).toBe(2);
    await sql(
      isolation.databaseUrl,
      `INSERT INTO audit.events (id, type, occurred_at, service, outcome)
       VALUES ($1, 'token.refresh_token.rotated', now(), 'token', 'success')`,
      [committed.id],
    );
    taken.nak();

    const audit = await startService(
      'audit',
      auditEnv(infrastructure, isolation, { AUDIT_MAX_DELIVER: '3', AUDIT_ACK_WAIT: '30s' }),
    );
    await expect
      .poll(async () => (await rowsWithIds(isolation.databaseUrl, [unlucky.id, committed.id])).length, {
        timeout: 10_000,
      })
      .toBe(2);
    await expect
      .poll(() => metric(audit.ready.health_port, 'gatehouse_audit_events_duplicated_total'))
      .toBe(1);
    expect(await metric(audit.ready.health_port, 'gatehouse_audit_events_stored_total')).toBe(1);
    expect(
      await metric(
        audit.ready.health_port,
        'gatehouse_audit_events_dead_lettered_total',
        '{reason="delivery_limit"}',
      ),
    ).toBe(1);

    const [letter, ...others] = await readDeadLetters(bus);
    expect(others).toEqual([]);
    expect(letter?.headers?.get(DEAD_LETTER_HEADERS.reason)).toBe('delivery_limit');
    expect(letter?.headers?.get(DEAD_LETTER_HEADERS.deliveries)).toBe('3');
    expect(letter?.headers?.get(DEAD_LETTER_HEADERS.sequence)).toBe('1');
    await expect
      .poll(() => metric(audit.ready.health_port, 'gatehouse_audit_consumer_ack_pending'), {
        timeout: 10_000,
      })
      .toBe(0);

    await audit.stop();
    await removeStreamsAndDrain(bus);
  });
});

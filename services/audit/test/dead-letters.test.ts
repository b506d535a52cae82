import { create, type MessageInitShape, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EventSchema, Outcome } from '@gatehouse/proto';
import { describe, expect } from '@gatehouse/testing';
import { v7 as uuidv7 } from 'uuid';
import { DEAD_LETTER_HEADERS } from '../src/ingest/dead-letter-stream.ts';
import { auditTest, metric, readDeadLetters, rowsWithIds, sampleEvent, sql } from './helpers.ts';

// A trigger stands in for the database refusing a row (a constraint an operator added, say) and
// for the database being briefly unable to write (a lock timeout): real Postgres errors, by SQLSTATE.
const GUARD = `
  CREATE TABLE public.audit_test_flags (name text PRIMARY KEY);
  CREATE FUNCTION public.audit_test_guard() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NEW.details ? 'refuse_me' THEN
      RAISE EXCEPTION 'refused by the test' USING ERRCODE = '23514';
    END IF;
    IF EXISTS (SELECT 1 FROM public.audit_test_flags WHERE name = 'locked') THEN
      RAISE EXCEPTION 'lock timeout (test)' USING ERRCODE = '55P03';
    END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER audit_test_guard BEFORE INSERT ON audit.events
    FOR EACH ROW EXECUTE FUNCTION public.audit_test_guard();`;

const it = auditTest({
  env: { AUDIT_ACK_WAIT: '1s' },
  beforeStart: (isolation) => sql(isolation.databaseUrl, GUARD),
});

function envelope(init: MessageInitShape<typeof EventSchema>): Uint8Array {
  return toBinary(
    EventSchema,
    create(EventSchema, {
      id: uuidv7(),
      type: 'token.grant.revoked',
      occurredAt: timestampFromDate(new Date()),
      service: 'token',
      outcome: Outcome.SUCCESS,
      ...init,
    }),
  );
}

describe('messages the table cannot take', () => {
  it('dead-letters each poison message with its reason and stores the valid events beside them', async ({
    audit,
    bus,
    isolation,
  }) => {
    const js = bus.nc.jetstream();
    const on = (type: string) => `${bus.prefix}.evt.${type}.v1`;
    const refusedId = uuidv7();
    const poison = [
      { reason: 'undecodable', subject: on('token.grant.revoked'), data: new Uint8Array([0x0a, 0x05, 0x41]) },
      { reason: 'missing_id', subject: on('token.grant.revoked'), data: envelope({ id: '' }) },
      { reason: 'invalid_id', subject: on('token.grant.revoked'), data: envelope({ id: 'not-a-uuid' }) },
      {
        reason: 'unknown_type',
        subject: on('token.grant.exploded'),
        data: envelope({ type: 'token.grant.exploded' }),
      },
      { reason: 'subject_mismatch', subject: on('gateway.tool.called'), data: envelope({}) },
      {
        reason: 'invalid_envelope',
        subject: on('token.grant.revoked'),
        data: envelope({ outcome: Outcome.UNSPECIFIED }),
      },
      {
        reason: 'refused_by_database',
        subject: on('token.grant.revoked'),
        data: envelope({ id: refusedId, details: { refuse_me: 'yes' } }),
      },
    ];
    const before = await metric(
      audit.ready.health_port,
      'gatehouse_audit_events_dead_lettered_total',
      '{reason="undecodable"}',
    );
    const valid = [bus.events.emit(sampleEvent()).id];
    const sequences = new Map<string, number>();
    for (const message of poison) {
      sequences.set(message.reason, (await js.publish(message.subject, message.data)).seq);
    }
    valid.push(bus.events.emit(sampleEvent()).id);

    await expect
      .poll(async () => (await readDeadLetters(bus)).length, { timeout: 10_000 })
      .toBe(poison.length);
    const letters = await readDeadLetters(bus);
    expect(letters.map((letter) => letter.headers?.get(DEAD_LETTER_HEADERS.reason)).sort()).toEqual(
      poison.map((message) => message.reason).sort(),
    );
    for (const letter of letters) {
      const reason = letter.headers?.get(DEAD_LETTER_HEADERS.reason) ?? '';
      const original = poison.find((message) => message.reason === reason)!;
      expect(letter.subject).toBe(`${bus.prefix}.dlq.audit.event.v1`);
      expect(letter.data).toEqual(original.data);
      expect(letter.headers?.get(DEAD_LETTER_HEADERS.subject)).toBe(
        original.subject.slice(bus.prefix.length + 1),
      );
      expect(letter.headers?.get(DEAD_LETTER_HEADERS.sequence)).toBe(String(sequences.get(reason)));
      expect(letter.headers?.get(DEAD_LETTER_HEADERS.detail)).not.toBe('');
    }
    expect(
      letters
        .find((l) => l.headers?.get(DEAD_LETTER_HEADERS.reason) === 'refused_by_database')
        ?.headers?.get(DEAD_LETTER_HEADERS.detail),
    ).toBe('sqlstate 23514');

    await expect
      .poll(async () => (await rowsWithIds(isolation.databaseUrl, valid)).length, { timeout: 5_000 })
      .toBe(2);
    expect(await rowsWithIds(isolation.databaseUrl, [refusedId])).toEqual([]);
    expect(
      await metric(
        audit.ready.health_port,
        'gatehouse_audit_events_dead_lettered_total',
        '{reason="undecodable"}',
      ),
    ).toBe(before + 1);

    // Termed, not retried: nothing is left pending on the consumer.
    await expect
      .poll(() => metric(audit.ready.health_port, 'gatehouse_audit_consumer_ack_pending'), {
        timeout: 10_000,
      })
      .toBe(0);
    expect(await readDeadLetters(bus)).toHaveLength(poison.length);
  });

  it('holds events while the database cannot write, and stores them once it can', async ({
    audit,
    bus,
    isolation,
  }) => {
    const lettersBefore = (await readDeadLetters(bus)).length;
    const retriesBefore = await metric(audit.ready.health_port, 'gatehouse_audit_store_retries_total');
    const receivedBefore = await metric(audit.ready.health_port, 'gatehouse_audit_events_received_total');
    await sql(isolation.databaseUrl, "INSERT INTO public.audit_test_flags VALUES ('locked')");
    const ids = [bus.events.emit(sampleEvent()).id, bus.events.emit(sampleEvent()).id];

    // Held past three ack waits (1 s each) without a redelivery, a dead letter or a row.
    await expect
      .poll(() => metric(audit.ready.health_port, 'gatehouse_audit_store_retries_total'), { timeout: 5_000 })
      .toBeGreaterThan(retriesBefore + 2);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await rowsWithIds(isolation.databaseUrl, ids)).toEqual([]);
    expect(await readDeadLetters(bus)).toHaveLength(lettersBefore);
    expect(await metric(audit.ready.health_port, 'gatehouse_audit_events_received_total')).toBe(
      receivedBefore + 2,
    );

    await sql(isolation.databaseUrl, 'DELETE FROM public.audit_test_flags');
    await expect
      .poll(async () => (await rowsWithIds(isolation.databaseUrl, ids)).length, { timeout: 10_000 })
      .toBe(2);
    expect(await metric(audit.ready.health_port, 'gatehouse_audit_events_duplicated_total')).toBe(0);
    expect(await readDeadLetters(bus)).toHaveLength(lettersBefore);
  }, 30_000);
});

import { fromBinary } from '@bufbuild/protobuf';
import { createLogger } from '@gatehouse/logging';
import { EventSchema, Outcome } from '@gatehouse/proto';
import { deleteTestStream, expect, test, uniqueName } from '@gatehouse/testing';
import { AckPolicy, DeliverPolicy } from 'nats';
import { describe } from 'vitest';
import { Bus, ensureEventStream, eventStreamName } from '../src/index.ts';

const logger = createLogger({ service: 'test', level: 'silent' });

async function readStream(bus: Bus, count: number) {
  const jsm = await bus.jetstreamManager();
  const stream = eventStreamName(bus.prefix);
  const name = uniqueName('reader');
  await jsm.consumers.add(stream, {
    durable_name: name,
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.All,
  });
  const consumer = await bus.nc.jetstream().consumers.get(stream, name);
  const messages = await consumer.fetch({ max_messages: count, expires: 2_000 });
  const out = [];
  for await (const message of messages) {
    out.push({
      subject: message.subject,
      msgId: message.headers?.get('Nats-Msg-Id'),
      event: fromBinary(EventSchema, message.data),
    });
  }
  return out;
}

describe('event publishing', () => {
  test('publishes the envelope to JetStream with Nats-Msg-Id = event id and no secrets', async ({
    infrastructure,
  }) => {
    const bus = await Bus.connect({
      url: infrastructure.natsUrl,
      prefix: uniqueName('ev'),
      service: 'token',
      logger,
    });
    const event = await bus.events.publish({
      type: 'token.refresh_token.rotated',
      outcome: 'success',
      actor: { userId: 'u1', githubLogin: 'octocat' },
      clientId: 'c1',
      grantId: 'g1',
      details: { refresh_token: 'rt_must_not_leak', client_secret: 'cs_must_not_leak', family_size: 2 },
    });
    const [stored] = await readStream(bus, 1);
    expect(stored?.subject).toBe(`${bus.prefix}.evt.token.refresh_token.rotated.v1`);
    expect(stored?.msgId).toBe(event.id);
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(stored?.event).toMatchObject({
      id: event.id,
      type: 'token.refresh_token.rotated',
      service: 'token',
      outcome: Outcome.SUCCESS,
      actor: { userId: 'u1', githubLogin: 'octocat' },
      details: { refresh_token: '[redacted]', client_secret: '[redacted]', family_size: '2' },
    });
    await bus.drain();
    await deleteTestStream(infrastructure.natsUrl, bus.prefix);
  });

  test('JetStream drops a re-published event with the same id', async ({ infrastructure }) => {
    const bus = await Bus.connect({
      url: infrastructure.natsUrl,
      prefix: uniqueName('ev'),
      service: 'token',
      logger,
    });
    const js = bus.nc.jetstream();
    const subject = `${bus.prefix}.evt.token.key.rotated.v1`;
    const first = await js.publish(subject, new Uint8Array([1]), { msgID: 'same-id' });
    const second = await js.publish(subject, new Uint8Array([1]), { msgID: 'same-id' });
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    await bus.drain();
    await deleteTestStream(infrastructure.natsUrl, bus.prefix);
  });

  test('keeps an event queued while the stream is missing and delivers it once the stream exists', async ({
    infrastructure,
  }) => {
    const bus = await Bus.connect({
      url: infrastructure.natsUrl,
      prefix: uniqueName('ev'),
      service: 'identity',
      logger,
    });
    const jsm = await bus.jetstreamManager();
    await jsm.streams.delete(eventStreamName(bus.prefix));
    const started = Date.now();
    const event = await bus.events.publish({ type: 'identity.login.succeeded', outcome: 'success' }, 200);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(bus.events.pending).toBe(1);
    await ensureEventStream(jsm, { prefix: bus.prefix });
    await expect.poll(() => bus.events.pending, { timeout: 10_000 }).toBe(0);
    const [stored] = await readStream(bus, 1);
    expect(stored?.event.id).toBe(event.id);
    await bus.drain();
    await deleteTestStream(infrastructure.natsUrl, bus.prefix);
  });
});

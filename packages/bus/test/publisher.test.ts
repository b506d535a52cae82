import { createLogger } from '@gatehouse/logging';
import { expect, test, uniqueName } from '@gatehouse/testing';
import { connect } from 'nats';
import { register } from 'prom-client';
import { describe } from 'vitest';
import { Bus, EventPublisher, ensureEventStream, eventStreamName } from '../src/index.ts';

const logger = createLogger({ service: 'test', level: 'silent' });
const SMALL = 8 * 1024 ** 2;

async function counter(name: string): Promise<number> {
  return (await register.getSingleMetric(name)?.get())?.values[0]?.value ?? 0;
}

async function connectBus(natsUrl: string, stream = { maxBytes: SMALL }) {
  return Bus.connect({ url: natsUrl, prefix: uniqueName('pub'), service: 'token', logger, stream });
}

async function removeStream(bus: Bus) {
  await (await bus.jetstreamManager()).streams.delete(eventStreamName(bus.prefix)).catch(() => false);
  await bus.drain();
}

describe('event publisher durability', () => {
  test('drops and counts an event no server would accept, without holding back the events behind it', async ({
    infrastructure,
  }) => {
    const bus = await connectBus(infrastructure.natsUrl);
    const dropped = await counter('gatehouse_events_dropped_total');
    // 3,000 details of 512 characters: larger than NATS's 1 MiB max_payload.
    const huge = Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`k${i}`, 'x'.repeat(512)]));
    bus.events.emit({ type: 'token.key.rotated', outcome: 'success', details: huge });
    const next = bus.events.emit({ type: 'token.key.rotated', outcome: 'success' });
    await expect.poll(() => bus.events.pending, { timeout: 5_000 }).toBe(0);
    expect(await counter('gatehouse_events_dropped_total')).toBe(dropped + 1);
    const jsm = await bus.jetstreamManager();
    const { state } = await jsm.streams.info(eventStreamName(bus.prefix));
    expect(state.messages).toBe(1);
    expect(
      (await jsm.streams.getMessage(eventStreamName(bus.prefix), { seq: state.last_seq })).header.get(
        'Nats-Msg-Id',
      ),
    ).toBe(next.id);
    await removeStream(bus);
  });

  test('bounds its outbox while JetStream cannot take events, and counts what overflowed', async ({
    infrastructure,
  }) => {
    const nc = await connect({ servers: infrastructure.natsUrl });
    // No stream captures this prefix's subjects: every publish fails until one does.
    const prefix = uniqueName('nostream');
    const publisher = new EventPublisher(nc.jetstream(), {
      service: 'token',
      prefix,
      logger,
      maxPending: 3,
      ackTimeoutMs: 200,
    });
    const dropped = await counter('gatehouse_events_dropped_total');
    const retries = await counter('gatehouse_events_publish_retries_total');
    const started = Date.now();
    for (let i = 0; i < 5; i += 1) publisher.emit({ type: 'token.key.rotated', outcome: 'success' });
    await publisher.publish({ type: 'token.key.rotated', outcome: 'success' }, 100);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(publisher.pending).toBe(3);
    expect(await counter('gatehouse_events_dropped_total')).toBe(dropped + 3);
    await expect.poll(() => counter('gatehouse_events_publish_retries_total')).toBeGreaterThan(retries);

    // JetStream is back for this prefix: the three held events go through, oldest first.
    await ensureEventStream(await nc.jetstreamManager(), { prefix, maxBytes: SMALL });
    await expect.poll(() => publisher.pending, { timeout: 10_000 }).toBe(0);
    expect((await (await nc.jetstreamManager()).streams.info(eventStreamName(prefix))).state.messages).toBe(
      3,
    );

    await publisher.flush(100);
    publisher.emit({ type: 'token.key.rotated', outcome: 'success' });
    expect(publisher.pending).toBe(0);
    expect(await counter('gatehouse_events_dropped_total')).toBe(dropped + 4);
    await (await nc.jetstreamManager()).streams.delete(eventStreamName(prefix));
    await nc.close();
  });
});

describe('the EVENTS stream', () => {
  test('keeps the owner’s limits when another service starts with its own defaults', async ({
    infrastructure,
  }) => {
    const owner = await Bus.connect({
      url: infrastructure.natsUrl,
      prefix: uniqueName('own'),
      service: 'audit',
      logger,
      stream: { owner: true, maxBytes: SMALL, maxAgeMs: 2 * 3_600_000, duplicateWindowMs: 60_000 },
    });
    const jsm = await owner.jetstreamManager();
    const name = eventStreamName(owner.prefix);
    const publisher = await Bus.connect({
      url: infrastructure.natsUrl,
      prefix: owner.prefix,
      service: 'token',
      logger,
    });
    const { config } = await jsm.streams.info(name);
    expect(config).toMatchObject({
      subjects: [`${owner.prefix}.evt.>`],
      storage: 'file',
      discard: 'old',
      max_bytes: SMALL,
      max_age: 2 * 3_600_000 * 1e6,
      duplicate_window: 60_000 * 1e6,
    });

    // The owner changes its configuration: its next start applies it.
    const restarted = await Bus.connect({
      url: infrastructure.natsUrl,
      prefix: owner.prefix,
      service: 'audit',
      logger,
      stream: { owner: true, maxBytes: SMALL / 2, maxAgeMs: 3_600_000 },
    });
    expect((await jsm.streams.info(name)).config).toMatchObject({
      max_bytes: SMALL / 2,
      max_age: 3_600_000 * 1e6,
    });
    await Promise.all([publisher.drain(), restarted.drain()]);
    await jsm.streams.delete(name);
    await owner.drain();
  });
});

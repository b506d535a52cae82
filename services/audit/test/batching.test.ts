import { describe, expect } from '@gatehouse/testing';
import { auditTest, metric, rowsWithIds, sampleEvent } from './helpers.ts';

// A long interval makes the gathering visible without timing anything tightly.
const it = auditTest({ env: { AUDIT_BATCH_INTERVAL: '3s' } });

const batches = (port: unknown) => metric(port, 'gatehouse_audit_batch_duration_seconds_count');

describe('gathering events into batches', () => {
  it('stores a lone event at once, and gathers the ones that follow it within the interval', async ({
    audit,
    bus,
    isolation,
  }) => {
    const port = audit.ready.health_port;
    const before = await batches(port);

    // Nothing was stored for a while: the first event does not wait for the interval.
    const lone = await bus.events.publish(sampleEvent({ details: { n: 'lone' } }));
    await expect
      .poll(async () => (await rowsWithIds(isolation.databaseUrl, [lone.id])).length, { timeout: 2_000 })
      .toBe(1);
    await expect.poll(() => batches(port)).toBe(before + 1);

    // Ten events trickling in: without gathering, each would be a batch (and a commit) of its own.
    const ids: string[] = [];
    for (let n = 0; n < 10; n += 1) {
      ids.push((await bus.events.publish(sampleEvent({ details: { n } }))).id);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await expect
      .poll(async () => (await rowsWithIds(isolation.databaseUrl, ids)).length, { timeout: 10_000 })
      .toBe(10);
    await expect.poll(() => batches(port)).toBe(before + 2);
  });
});

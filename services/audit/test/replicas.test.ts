import { describe, expect, startService, test } from '@gatehouse/testing';
import { auditEnv, connectBus, metric, removeStreamsAndDrain, sampleEvent, sql } from './helpers.ts';

describe('several audit replicas', () => {
  test('share the durable consumer and store each event once', async ({ infrastructure, isolation }) => {
    const env = auditEnv(infrastructure, isolation, { AUDIT_BATCH_SIZE: '25' });
    const replicas = await Promise.all([startService('audit', env), startService('audit', env)]);
    const bus = await connectBus(infrastructure.natsUrl, isolation.natsPrefix);
    const ids: string[] = [];
    for (let i = 0; i < 2_000; i += 1) {
      ids.push(bus.events.emit(sampleEvent({ details: { n: i } })).id);
      if (i % 200 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const count = async () =>
      (
        await sql<{ n: number }>(
          isolation.databaseUrl,
          'SELECT count(*)::int AS n FROM audit.events WHERE id = ANY($1::uuid[])',
          [ids],
        )
      )[0]?.n;
    await expect.poll(count, { timeout: 20_000 }).toBe(2_000);

    const stored = await Promise.all(
      replicas.map((r) => metric(r.ready.health_port, 'gatehouse_audit_events_stored_total')),
    );
    expect(stored.every((n) => n > 0)).toBe(true);
    expect(stored[0]! + stored[1]!).toBe(2_000);
    await Promise.all(replicas.map((r) => r.stop()));
    await removeStreamsAndDrain(bus);
  });
});

import { describe, expect, startService, test } from '@gatehouse/testing';
import { v7 as uuidv7 } from 'uuid';
import type { AuditRecord } from '../src/events/record.ts';
import { purgeExpiredEvents } from '../src/retention/purge.ts';
import { createEventStore } from '../src/store/events.ts';
import { createDatabase } from '../src/store/prisma.ts';
import { auditEnv, connectBus, metric, removeStreamsAndDrain, sql } from './helpers.ts';

const DAY_MS = 86_400_000;

function eventDaysAgo(days: number, label: string): AuditRecord {
  return {
    id: uuidv7(),
    type: 'token.key.rotated',
    occurredAt: new Date(Date.now() - days * DAY_MS),
    service: 'token',
    userId: null,
    githubLogin: null,
    clientId: null,
    grantId: null,
    ip: null,
    userAgent: null,
    outcome: 'success',
    reason: null,
    traceId: null,
    details: { label },
  };
}

const labels = async (databaseUrl: string) =>
  (
    await sql<{ label: string }>(
      databaseUrl,
      "SELECT details->>'label' AS label FROM audit.events ORDER BY 1",
    )
  ).map((row) => row.label);

describe('retention', () => {
  test('deletes in batches every event older than the retention, and nothing newer', async ({
    isolation,
  }) => {
    const database = createDatabase(isolation.databaseUrl);
    const store = createEventStore(database);
    await store.insert([
      ...Array.from({ length: 5 }, (_, i) => eventDaysAgo(10 + i, `old${i}`)),
      eventDaysAgo(9.9, 'recent'),
    ]);
    let statements = 0;
    const counting = {
      ...store,
      purgeBefore(cutoff: Date, size: number) {
        statements += 1;
        return store.purgeBefore(cutoff, size);
      },
    };
    expect(await purgeExpiredEvents(counting, { retentionDays: 10, batchSize: 2 })).toBe(5);
    // 2 + 2 + 1: the short batch says there is nothing left.
    expect(statements).toBe(3);
    expect(await labels(isolation.databaseUrl)).toEqual(['recent']);
    await database.$disconnect();
  });

  test('the service purges expired events on its schedule', async ({ infrastructure, isolation }) => {
    await sql(isolation.databaseUrl, 'DELETE FROM audit.events');
    const database = createDatabase(isolation.databaseUrl);
    await createEventStore(database).insert([
      eventDaysAgo(31, 'expired'),
      eventDaysAgo(400, 'ancient'),
      eventDaysAgo(29, 'kept'),
      eventDaysAgo(0, 'today'),
    ]);
    await database.$disconnect();
    const bus = await connectBus(infrastructure.natsUrl, isolation.natsPrefix);
    const audit = await startService(
      'audit',
      auditEnv(infrastructure, isolation, { AUDIT_RETENTION_DAYS: '30' }),
    );
    await expect.poll(() => labels(isolation.databaseUrl), { timeout: 5_000 }).toEqual(['kept', 'today']);
    expect(await metric(audit.ready.health_port, 'gatehouse_audit_events_purged_total')).toBe(2);
    await audit.stop();
    await removeStreamsAndDrain(bus);
  });
});

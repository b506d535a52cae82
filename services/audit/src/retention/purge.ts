import type { Logger } from '@gatehouse/logging';
import { eventsPurged } from '../metrics.ts';
import type { EventStore } from '../store/port.ts';

const DAY_MS = 86_400_000;

/**
 * Deletes events older than the retention, in batches: each batch is its own short statement,
 * so the purge never holds locks long or builds one huge transaction, and the inserts it
 * interleaves with keep flowing.
 */
export async function purgeExpiredEvents(
  store: EventStore,
  options: { retentionDays: number; batchSize?: number; now?: Date },
): Promise<number> {
  const batchSize = options.batchSize ?? 5_000;
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.retentionDays * DAY_MS);
  let total = 0;
  for (;;) {
    const deleted = await store.purgeBefore(cutoff, batchSize);
    total += deleted;
    eventsPurged.inc(deleted);
    if (deleted < batchSize) return total;
  }
}

/** Runs the purge now and then every `intervalMs`; `stop` waits for a run in progress. */
export function scheduleRetentionPurge(
  store: EventStore,
  options: { retentionDays: number; intervalMs: number; logger: Logger },
): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = purgeExpiredEvents(store, options).then(
      (deleted) => {
        if (deleted > 0)
          options.logger.info({ deleted, retention_days: options.retentionDays }, 'expired events purged');
      },
      (error: unknown) =>
        options.logger.warn({ err: error }, 'retention purge failed; retrying at the next run'),
    );
  };
  const first = setTimeout(run, 1_000);
  const timer = setInterval(run, options.intervalMs);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}

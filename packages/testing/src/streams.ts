import { ensureEventStream, eventStreamName } from '@gatehouse/bus';
import { connect } from 'nats';

/**
 * JetStream reserves a file stream's max_bytes up front, so the default 1 GiB per test file
 * exhausts a developer machine's JetStream storage after a few dozen runs. A test file's stream
 * is created small before any service starts (services only create it when missing) and deleted
 * when the file ends.
 */
const TEST_STREAM_BYTES = 16 * 1024 ** 2;
/** Prefixes made by `uniqueName`: letters then 10 hex digits. */
const TEST_STREAM = /^[a-z]+[0-9a-f]{10}_(EVENTS|AUDIT_DLQ)$/;
const STALE_AFTER_MS = 30 * 60_000;

async function withJetStream<T>(
  natsUrl: string,
  fn: (jsm: Awaited<ReturnType<Awaited<ReturnType<typeof connect>>['jetstreamManager']>>) => Promise<T>,
): Promise<T> {
  const nc = await connect({ servers: natsUrl });
  try {
    return await fn(await nc.jetstreamManager());
  } finally {
    await nc.close();
  }
}

export function createTestStream(
  natsUrl: string,
  prefix: string,
  maxBytes = TEST_STREAM_BYTES,
): Promise<string> {
  return withJetStream(natsUrl, (jsm) => ensureEventStream(jsm, { prefix, maxBytes, maxAgeMs: 3_600_000 }));
}

/** Deletes a test prefix's EVENTS stream and the audit service's dead-letter stream beside it. */
export async function deleteTestStream(natsUrl: string, prefix: string): Promise<void> {
  const events = eventStreamName(prefix);
  const deadLetters = events.replace(/_EVENTS$/, '_AUDIT_DLQ');
  await withJetStream(natsUrl, async (jsm) => {
    for (const name of [events, deadLetters]) await jsm.streams.delete(name).catch(() => false);
  });
}

/** Removes test streams left by killed runs (older than half an hour). */
export async function deleteStaleTestStreams(natsUrl: string): Promise<number> {
  return withJetStream(natsUrl, async (jsm) => {
    let deleted = 0;
    for await (const stream of jsm.streams.list()) {
      const age = Date.now() - Date.parse(stream.created);
      if (TEST_STREAM.test(stream.config.name) && age > STALE_AFTER_MS) {
        await jsm.streams.delete(stream.config.name).catch(() => false);
        deleted += 1;
      }
    }
    return deleted;
  });
}

import { ensureEventStream, eventStreamName } from '@gatehouse/bus';
import { test } from '@gatehouse/testing';
import { connect } from 'nats';

/**
 * JetStream reserves each stream's max_bytes up front (1 GiB by default), and every test file has
 * a stream of its own: left behind, they exhaust the server's file store ("insufficient storage
 * resources available"). Test files therefore create theirs small, before any service does
 * (services only create a missing stream), and delete it when done.
 */
const TEST_STREAM_BYTES = 16 * 1024 ** 2;

export async function createTestEventStream(natsUrl: string, prefix: string): Promise<void> {
  const nc = await connect({ servers: natsUrl.split(',') });
  try {
    await ensureEventStream(await nc.jetstreamManager(), { prefix, maxBytes: TEST_STREAM_BYTES });
  } finally {
    await nc.close();
  }
}

export async function deleteTestEventStream(natsUrl: string, prefix: string): Promise<void> {
  const nc = await connect({ servers: natsUrl.split(',') });
  try {
    await (await nc.jetstreamManager()).streams.delete(eventStreamName(prefix)).catch(() => false);
  } finally {
    await nc.close();
  }
}

/**
 * Registers the file's small event stream: created before the file's other hooks start any
 * service, deleted after they stopped (after-hooks run in reverse order). Call it first.
 */
export function withTestEventStream(): void {
  test.beforeAll(async ({ infrastructure, isolation }) => {
    await createTestEventStream(infrastructure.natsUrl, isolation.natsPrefix);
  });
  test.afterAll(async ({ infrastructure, isolation }) => {
    await deleteTestEventStream(infrastructure.natsUrl, isolation.natsPrefix);
  });
}

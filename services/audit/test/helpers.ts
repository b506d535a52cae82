import { Bus, type EventInput, eventStreamName } from '@gatehouse/bus';
import { createLogger } from '@gatehouse/logging';
import {
  type Isolation,
  type RunningService,
  startService,
  type TestInfrastructure,
  test,
} from '@gatehouse/testing';
import type { JetStreamManager, MsgHdrs } from 'nats';
import pg from 'pg';
import { deadLetterStreamName } from '../src/ingest/dead-letter-stream.ts';

export const silentLogger = createLogger({ service: 'test', level: 'silent' });

/**
 * JetStream reserves a stream's max_bytes from the server's storage when the stream is created,
 * and every test file makes its own streams on the shared server: keep them small, delete them after.
 */
export const TEST_STREAM_BYTES = 16 * 1024 ** 2;

/** The environment an audit process gets in tests: this file's database and subject prefix. */
export function auditEnv(
  infrastructure: TestInfrastructure,
  isolation: Isolation,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    NATS_URL: infrastructure.natsUrl,
    NATS_SUBJECT_PREFIX: isolation.natsPrefix,
    DATABASE_URL: isolation.databaseUrl,
    LOG_LEVEL: 'info',
    EVENT_STREAM_MAX_BYTES: String(TEST_STREAM_BYTES),
    ...extra,
  };
}

/** A publisher as any service has one: the shared Bus and its event outbox. */
export function connectBus(natsUrl: string, prefix: string, service = 'token'): Promise<Bus> {
  return Bus.connect({
    url: natsUrl,
    prefix,
    service,
    logger: silentLogger,
    stream: { maxBytes: TEST_STREAM_BYTES },
  });
}

/** Deletes this prefix's EVENTS and dead-letter streams, and drains the bus. */
export async function removeStreamsAndDrain(bus: Bus): Promise<void> {
  const jsm = await bus.jetstreamManager();
  for (const stream of [eventStreamName(bus.prefix), deadLetterStreamName(bus.prefix)]) {
    await jsm.streams.delete(stream).catch(() => undefined);
  }
  await bus.drain();
}

/**
 * A test with two file-scoped fixtures: `bus`, a publisher on this file's prefix (its streams are
 * deleted afterwards), and `audit`, the service itself, started after the bus with `env` added to
 * its environment and after `beforeStart` (e.g. SQL that prepares the database) has run.
 */
export function auditTest(
  options: { env?: Record<string, string>; beforeStart?: (isolation: Isolation) => Promise<unknown> } = {},
) {
  return test.extend<{ audit: RunningService; bus: Bus }>({
    audit: [
      async ({ infrastructure, isolation, bus: _bus }, use) => {
        await options.beforeStart?.(isolation);
        const audit = await startService('audit', auditEnv(infrastructure, isolation, options.env));
        await use(audit);
        await audit.stop();
      },
      { scope: 'file' },
    ],
    bus: [
      async ({ infrastructure, isolation }, use) => {
        const bus = await connectBus(infrastructure.natsUrl, isolation.natsPrefix);
        await use(bus);
        await removeStreamsAndDrain(bus);
      },
      { scope: 'file' },
    ],
  });
}

export const sampleEvent = (overrides: Partial<EventInput> = {}): EventInput => ({
  type: 'token.refresh_token.rotated',
  outcome: 'success',
  actor: { userId: 'user-1', githubLogin: 'octocat' },
  clientId: 'client-1',
  grantId: 'grant-1',
  ip: '203.0.113.7',
  userAgent: 'test-agent/1.0',
  details: { scope: 'repo:read' },
  ...overrides,
});

export interface StoredRow {
  id: string;
  type: string;
  occurred_at: Date;
  recorded_at: Date;
  service: string;
  user_id: string | null;
  github_login: string | null;
  client_id: string | null;
  grant_id: string | null;
  ip: string | null;
  user_agent: string | null;
  outcome: string;
  reason: string | null;
  trace_id: string | null;
  details: Record<string, string>;
}

/** Plain SQL against the test database, to look at the table the way an operator would. */
export async function sql<T = StoredRow>(
  databaseUrl: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

export async function rowsWithIds(databaseUrl: string, ids: readonly string[]): Promise<StoredRow[]> {
  return sql(databaseUrl, 'SELECT * FROM audit.events WHERE id = ANY($1::uuid[]) ORDER BY occurred_at, id', [
    ids,
  ]);
}

export interface DeadLetter {
  subject: string;
  data: Uint8Array;
  headers: MsgHdrs | undefined;
}

/** Everything in the dead-letter stream, read message by message (leaves no consumer behind). */
export async function readDeadLetters(bus: Bus): Promise<DeadLetter[]> {
  const jsm: JetStreamManager = await bus.jetstreamManager();
  const stream = deadLetterStreamName(bus.prefix);
  const { state } = await jsm.streams.info(stream);
  const letters: DeadLetter[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq += 1) {
    const message = await jsm.streams.getMessage(stream, { seq });
    letters.push({ subject: message.subject, data: message.data, headers: message.header });
  }
  return letters;
}

/** One Prometheus sample from a service's health port, e.g. `gatehouse_audit_events_stored_total`. */
export async function metric(healthPort: unknown, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${String(healthPort)}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

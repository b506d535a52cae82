import { Bus, eventStreamName } from '@gatehouse/bus';
import { runService } from '@gatehouse/health';
import { createLogger } from '@gatehouse/logging';
import { serveAudit } from './bus/handlers.ts';
import { loadConfig } from './config.ts';
import { EventConsumer, ensureAuditConsumer, pollConsumerLag } from './ingest/consumer.ts';
import { createDeadLetters, ensureDeadLetterStream } from './ingest/dead-letter-stream.ts';
import { scheduleRetentionPurge } from './retention/purge.ts';
import { createEventStore } from './store/events.ts';
import { createDatabase } from './store/prisma.ts';

const DAY_MS = 86_400_000;
const LAG_POLL_INTERVAL_MS = 5_000;
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/** Boot order: config → logger → dependencies → streams and consumer → handlers → ready. */
export async function start(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(env);
  const logger = createLogger({ service: 'audit', level: config.LOG_LEVEL });
  const database = createDatabase(config.DATABASE_URL);
  const bus = await Bus.connect({
    url: config.NATS_URL,
    service: 'audit',
    prefix: config.NATS_SUBJECT_PREFIX,
    credsFile: config.NATS_CREDS_FILE,
    logger,
    // The audit service owns the EVENTS stream's limits; other services only create it if missing.
    stream: {
      owner: true,
      replicas: config.EVENT_STREAM_REPLICAS,
      maxAgeMs: config.EVENT_STREAM_MAX_AGE,
      maxBytes: config.EVENT_STREAM_MAX_BYTES,
      duplicateWindowMs: config.EVENT_STREAM_DUPLICATE_WINDOW,
    },
  });
  const jsm = await bus.jetstreamManager();
  const js = bus.nc.jetstream();
  const settings = {
    prefix: bus.prefix,
    stream: eventStreamName(bus.prefix),
    batchSize: config.AUDIT_BATCH_SIZE,
    batchIntervalMs: config.AUDIT_BATCH_INTERVAL,
    ackWaitMs: config.AUDIT_ACK_WAIT,
    maxDeliver: config.AUDIT_MAX_DELIVER,
    maxAckPending: config.AUDIT_MAX_ACK_PENDING,
  };
  await ensureDeadLetterStream(jsm, {
    prefix: bus.prefix,
    maxAgeMs: config.AUDIT_RETENTION_DAYS * DAY_MS,
    // Dead letters are rare; a quarter of the EVENTS stream's size is room for a bad day.
    maxBytes: Math.max(1024 ** 2, Math.floor(config.EVENT_STREAM_MAX_BYTES / 4)),
    replicas: config.EVENT_STREAM_REPLICAS,
  });
  await ensureAuditConsumer(jsm, settings);

  const store = createEventStore(database);
  serveAudit(bus, { store, maxReplyBytes: bus.nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD });
  const consumer = new EventConsumer(js, settings, {
    store,
    deadLetters: createDeadLetters(js, bus.prefix),
    logger,
    maxDeliver: config.AUDIT_MAX_DELIVER,
  });
  await consumer.start();
  const lag = pollConsumerLag(jsm, settings.stream, LAG_POLL_INTERVAL_MS, logger);
  const purge = scheduleRetentionPurge(store, {
    retentionDays: config.AUDIT_RETENTION_DAYS,
    intervalMs: config.AUDIT_PURGE_INTERVAL,
    logger,
  });

  await runService({
    logger,
    health: { port: config.HEALTH_PORT, host: config.HEALTH_HOST },
    checks: {
      nats: () => bus.ping(),
      postgres: () => database.$queryRaw`SELECT 1`,
    },
    shutdown: [
      { name: 'consumer', run: () => consumer.stop() },
      { name: 'retention purge', run: () => purge.stop() },
      {
        name: 'bus',
        run: () => {
          lag.stop();
          return bus.drain();
        },
      },
      { name: 'postgres', run: () => database.$disconnect() },
    ],
  });
}

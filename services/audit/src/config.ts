import { busEnv, databaseEnv, envDuration, healthEnv, logEnv, parseEnv } from '@gatehouse/config';
import { z } from 'zod';

const count = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const BYTE_UNITS: Record<string, number> = { '': 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** A size such as `1GiB`, `512MiB` or a bare number of bytes. */
const byteSize = (fallback: string) =>
  z
    .string()
    .regex(/^\d+(KiB|MiB|GiB)?$/, 'must be a size such as 512MiB or 1GiB')
    .default(fallback)
    .transform((value) => {
      const [, amount = '0', unit = ''] = /^(\d+)(KiB|MiB|GiB)?$/.exec(value) ?? [];
      return Number(amount) * (BYTE_UNITS[unit] ?? 1);
    });

/** Every variable the audit service reads; parsed once at boot. The README's table lists them. */
export const configSchema = z
  .object({
    ...logEnv,
    ...busEnv,
    ...databaseEnv,
    /** Days an event stays in Postgres; a scheduled purge deletes older ones (and dead letters expire with them). */
    AUDIT_RETENTION_DAYS: count(90, 1, 3650),
    /** How often the retention purge runs (each replica; concurrent purges skip each other's rows). */
    AUDIT_PURGE_INTERVAL: envDuration('1h'),
    /** Events fetched from JetStream and inserted in one statement. */
    AUDIT_BATCH_SIZE: count(500, 1, 2000),
    /** Least time between two batch inserts under load (a lone event is stored at once); 0 turns gathering off. */
    AUDIT_BATCH_INTERVAL: envDuration('25ms'),
    /** How long JetStream waits for an ack before redelivering: a dead replica's batch moves on after this. */
    AUDIT_ACK_WAIT: envDuration('30s'),
    /** Deliveries of one message before it is copied to the dead-letter stream (a message that keeps killing the consumer). */
    AUDIT_MAX_DELIVER: count(10, 2, 1000),
    /** Unacknowledged events the durable consumer hands out across all replicas at once. */
    AUDIT_MAX_ACK_PENDING: count(4000, 1, 100_000),
    /** EVENTS stream: how long JetStream keeps an event (the audit consumer's catch-up horizon). */
    EVENT_STREAM_MAX_AGE: envDuration('7d'),
    /** EVENTS stream: size limit; past it the oldest events are discarded. */
    EVENT_STREAM_MAX_BYTES: byteSize('1GiB'),
    /** EVENTS stream: replicas (3 on a JetStream cluster in production). */
    EVENT_STREAM_REPLICAS: count(1, 1, 5),
    /** EVENTS stream: window in which a re-published event id is dropped by JetStream itself. */
    EVENT_STREAM_DUPLICATE_WINDOW: envDuration('2m'),
    ...healthEnv(9104),
  })
  .superRefine((config, issues) => {
    if (config.AUDIT_MAX_ACK_PENDING < config.AUDIT_BATCH_SIZE) {
      issues.addIssue({
        code: 'custom',
        path: ['AUDIT_MAX_ACK_PENDING'],
        message: 'must be at least AUDIT_BATCH_SIZE, or a full batch can never be fetched',
      });
    }
    if (config.EVENT_STREAM_DUPLICATE_WINDOW > config.EVENT_STREAM_MAX_AGE) {
      issues.addIssue({
        code: 'custom',
        path: ['EVENT_STREAM_DUPLICATE_WINDOW'],
        message: 'must not exceed EVENT_STREAM_MAX_AGE (JetStream refuses it)',
      });
    }
    if (config.EVENT_STREAM_MAX_AGE < 3_600_000) {
      issues.addIssue({
        code: 'custom',
        path: ['EVENT_STREAM_MAX_AGE'],
        message: 'must be at least 1h: gateways replay recent revocations from the stream',
      });
    }
    if (config.AUDIT_ACK_WAIT < 1_000) {
      issues.addIssue({ code: 'custom', path: ['AUDIT_ACK_WAIT'], message: 'must be at least 1s' });
    }
  });

export type Config = z.output<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseEnv('audit', configSchema, env);
}

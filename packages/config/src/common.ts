import { z } from 'zod';
import { envPort, envUrl } from './fields.ts';

// Fragments every service composes into its own schema. Defaults run the stack on loopback.

export const logEnv = {
  /** pino level: fatal, error, warn, info, debug, trace, silent. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

export const busEnv = {
  /** NATS server URL(s), comma-separated. */
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  /** Prefix for every subject and stream, to share one NATS among environments (and test runs). */
  NATS_SUBJECT_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, 'letters, digits, _ and - only')
    .default(''),
  /** Optional NATS credentials file (per-service subject permissions in production). */
  NATS_CREDS_FILE: z.string().optional(),
};

export const redisEnv = {
  /** Redis URL. */
  REDIS_URL: envUrl(['redis', 'rediss'], 'redis://127.0.0.1:6379'),
  /** Prefix for every key this service writes, to share one Redis among environments. */
  REDIS_KEY_PREFIX: z.string().default('gh:'),
};

export const databaseEnv = {
  /** Postgres URL. Each service keeps its tables in its own schema (namespace) of this database. */
  DATABASE_URL: envUrl(['postgres', 'postgresql'], 'postgres://postgres@127.0.0.1:5432/gatehouse'),
};

export const healthEnv = (port: number) => ({
  /** Port of the /healthz, /readyz and /metrics server for the orchestrator. */
  HEALTH_PORT: envPort(port),
  /** Address the health server binds. */
  HEALTH_HOST: z.string().default('127.0.0.1'),
});

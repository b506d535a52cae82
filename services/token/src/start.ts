import { Bus } from '@gatehouse/bus';
import { runService, type ShutdownStep } from '@gatehouse/health';
import { createLogger, type Logger } from '@gatehouse/logging';
import { token } from '@gatehouse/proto';
import { Redis } from 'ioredis';
import { createDeps, KEY_RELOAD_INTERVAL_MS, type TokenDeps } from './app.ts';
import { createHandlers } from './bus/handlers.ts';
import { type Config, loadConfig } from './config.ts';
import type { EventSink } from './events.ts';
import { cleanup } from './jobs/cleanup.ts';
import { every } from './jobs/schedule.ts';
import { GuardedFetcher } from './net/guarded-fetch.ts';
import { createDatabase } from './store/prisma.ts';
import { rotateKeys } from './tokens/rotation.ts';

export interface RunningTokenService {
  bus: Bus;
  deps: TokenDeps;
  checks: Record<string, () => Promise<unknown>>;
  /** In order: stop the jobs, drain the bus (in-flight requests finish, events flush), close pools. */
  shutdown: ShutdownStep[];
  stop(): Promise<void>;
}

/**
 * Opens the connections, loads (or on first start creates) the signing keys, serves every
 * TokenService method and starts the periodic jobs. Tests call this directly; `start` wraps it
 * with the health server and signal handling.
 */
export async function startTokenService(config: Config, logger: Logger): Promise<RunningTokenService> {
  const database = createDatabase(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
  // Auto-pipelining sends the commands of concurrent requests issued in one tick as one write.
  const redis = new Redis(config.REDIS_URL, {
    keyPrefix: config.REDIS_KEY_PREFIX,
    maxRetriesPerRequest: 2,
    enableAutoPipelining: true,
  });
  // ioredis reconnects on its own and reports every failed attempt; one line per 10 s is enough.
  let redisErrorLoggedAt = 0;
  redis.on('error', (error: Error) => {
    if (Date.now() - redisErrorLoggedAt < 10_000) return;
    redisErrorLoggedAt = Date.now();
    logger.warn({ err: error }, 'redis connection error');
  });
  const fetcher = new GuardedFetcher({
    devHosts: new Set(config.CIMD_ALLOWED_HOSTS.map((host) => host.toLowerCase())),
    timeoutMs: config.CIMD_FETCH_TIMEOUT,
  });
  const bus = await Bus.connect({
    url: config.NATS_URL,
    service: 'token',
    prefix: config.NATS_SUBJECT_PREFIX,
    credsFile: config.NATS_CREDS_FILE,
    logger,
  });
  const events: EventSink = {
    emit: (event) => {
      bus.events.emit(event);
    },
    publish: async (event) => {
      await bus.events.publish(event);
    },
  };
  const deps = createDeps(config, {
    database,
    redis,
    events,
    fetcher,
    warn: (fields, message) => logger.warn(fields, message),
  });
  await deps.keys.load();
  bus.serve(token.TokenService, createHandlers(deps));
  warnAboutDevelopmentSettings(config, logger);

  const jobs = [
    every(
      KEY_RELOAD_INTERVAL_MS,
      async () => {
        await deps.keys.reload();
        await rotateKeys(deps, 'scheduled');
      },
      (error) => logger.error({ err: error }, 'signing key reload or rotation failed'),
    ),
    every(
      config.CLEANUP_INTERVAL,
      async () => {
        const report = await cleanup({
          grants: deps.grants,
          clients: deps.clients,
          keyStore: deps.keyStore,
          accessTokenTtlMs: config.ACCESS_TOKEN_TTL,
          unusedClientTtlMs: config.DCR_CLIENT_UNUSED_TTL,
        });
        logger.info(report, 'cleanup done');
      },
      (error) => logger.error({ err: error }, 'cleanup failed'),
    ),
  ];

  const shutdown: ShutdownStep[] = [
    {
      name: 'jobs',
      run: async () => {
        for (const job of jobs) job.stop();
      },
    },
    { name: 'bus', run: () => bus.drain() },
    { name: 'postgres', run: () => database.close() },
    {
      name: 'redis',
      // QUIT waits for pending replies; a Redis that is down would never send them.
      run: async () => {
        await Promise.race([redis.quit(), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
        redis.disconnect();
      },
    },
    { name: 'fetcher', run: () => fetcher.close() },
  ];
  return {
    bus,
    deps,
    checks: {
      nats: () => bus.ping(),
      postgres: () => database.pool.query('SELECT 1'),
      redis: () => redis.ping(),
    },
    shutdown,
    async stop() {
      for (const step of shutdown) await step.run().catch(() => {});
    },
  };
}

/** Boot order: config → logger → dependencies → handlers → ready. */
export async function start(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(env);
  const logger = createLogger({ service: 'token', level: config.LOG_LEVEL });
  const service = await startTokenService(config, logger);
  await runService({
    logger,
    health: { port: config.HEALTH_PORT, host: config.HEALTH_HOST },
    checks: service.checks,
    shutdown: service.shutdown,
    readyFields: { issuer: service.deps.settings.issuer, kid: service.deps.keys.signingKey().kid },
  });
}

function warnAboutDevelopmentSettings(config: Config, logger: Logger): void {
  if (config.TOKEN_KEY_ENCRYPTION_KEYS === undefined) {
    logger.warn(
      'TOKEN_KEY_ENCRYPTION_KEYS is unset: signing keys are encrypted with the insecure development key',
    );
  }
  if (config.CIMD_ALLOWED_HOSTS.length > 0) {
    logger.warn(
      { hosts: config.CIMD_ALLOWED_HOSTS },
      'CIMD_ALLOWED_HOSTS is set: these hosts bypass the SSRF guards (development only)',
    );
  }
}

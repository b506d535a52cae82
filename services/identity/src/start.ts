import { Bus } from '@gatehouse/bus';
import { runService, type ShutdownStep } from '@gatehouse/health';
import { createLogger, type Logger } from '@gatehouse/logging';
import { identity } from '@gatehouse/proto';
import { Redis } from 'ioredis';
import { createIdentity } from './app.ts';
import { followGrantRevocations } from './bus/grant-revocations.ts';
import { identityHandlers } from './bus/handlers.ts';
import { TokenServiceClient } from './bus/token-service.ts';
import { type Config, loadConfig } from './config.ts';
import { Consents } from './consents/consents.ts';
import { Sessions } from './sessions/sessions.ts';
import { PostgresConsents, PostgresUpstreamAccounts, PostgresUsers } from './store/postgres.ts';
import { createDatabase, type Database } from './store/prisma.ts';
import { RedisPendingRequests, RedisSessions, RedisUpstreamStates } from './store/redis.ts';
import { GitHubOAuth } from './upstream/github-oauth.ts';
import { TokenVault } from './upstream/token-vault.ts';

/** The running service's connections, for readiness checks and an orderly stop. */
export interface IdentityService {
  bus: Bus;
  database: Database;
  redis: Redis;
  /** Stops following grant revocations. */
  stopFollowing: () => Promise<void>;
}

/**
 * Composition: connections → stores → domain → the bus table. Serving starts when it returns.
 * Integration tests call it directly, with their own logger.
 */
export async function openIdentityService(config: Config, logger: Logger): Promise<IdentityService> {
  if (config.UPSTREAM_TOKEN_KEYS.development) {
    logger.warn(
      'UPSTREAM_TOKEN_KEYS is not set: GitHub tokens are encrypted with the public development key',
    );
  }
  const database = createDatabase(config.DATABASE_URL);
  const redis = new Redis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX, maxRetriesPerRequest: 2 });
  const bus = await Bus.connect({
    url: config.NATS_URL,
    service: 'identity',
    prefix: config.NATS_SUBJECT_PREFIX,
    credsFile: config.NATS_CREDS_FILE,
    logger,
  });
  const events = bus.events.emit.bind(bus.events);
  const github = new GitHubOAuth({
    webUrl: config.GITHUB_WEB_URL,
    apiUrl: config.GITHUB_API_URL,
    clientId: config.GITHUB_CLIENT_ID,
    clientSecret: config.GITHUB_CLIENT_SECRET,
    callbackUrl: `${config.PUBLIC_URL}/oauth/callback/github`,
    timeoutMs: config.GITHUB_TIMEOUT,
  });
  const tokenService = new TokenServiceClient(bus);
  const consents = new Consents(new PostgresConsents(database));
  const app = createIdentity({
    policy: {
      issuer: config.PUBLIC_URL,
      resource: `${config.PUBLIC_URL}/mcp`,
      defaultScopes: config.DEFAULT_SCOPES,
    },
    pendingTtlMs: config.PENDING_REQUEST_TTL,
    clients: tokenService,
    codes: tokenService,
    github,
    vault: new TokenVault({
      keyring: config.UPSTREAM_TOKEN_KEYS,
      accounts: new PostgresUpstreamAccounts(database, { lockTimeoutMs: config.GITHUB_TIMEOUT + 5_000 }),
      github,
      events,
    }),
    users: new PostgresUsers(database),
    consents,
    sessions: new Sessions(new RedisSessions(redis), config.SESSION_TTL),
    pending: new RedisPendingRequests(redis),
    upstreamStates: new RedisUpstreamStates(redis),
    events,
  });
  bus.serve(identity.IdentityService, identityHandlers(app));
  const stopFollowing = await followGrantRevocations(
    bus,
    async (revoked) => {
      if (await consents.forgetOnRevocation(revoked))
        logger.info({ clientId: revoked.clientId }, 'consent forgotten');
    },
    logger,
  );
  return { bus, database, redis, stopFollowing };
}

/** In order: stop taking work and finish in-flight work, then close the pools. */
export function shutdownSteps(service: IdentityService): ShutdownStep[] {
  return [
    { name: 'grant revocations', run: () => service.stopFollowing() },
    { name: 'bus', run: () => service.bus.drain() },
    { name: 'postgres', run: () => service.database.$disconnect() },
    { name: 'redis', run: () => service.redis.quit() },
  ];
}

/** Boot order: config → logger → dependencies → handlers → ready. */
export async function start(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(env);
  const logger = createLogger({ service: 'identity', level: config.LOG_LEVEL });
  const service = await openIdentityService(config, logger);
  await runService({
    logger,
    health: { port: config.HEALTH_PORT, host: config.HEALTH_HOST },
    checks: {
      nats: () => service.bus.ping(),
      postgres: () => service.database.$queryRaw`SELECT 1`,
      redis: () => service.redis.ping(),
    },
    shutdown: shutdownSteps(service),
  });
}

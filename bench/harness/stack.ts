// The whole Gatehouse stack as separate processes (the way `npm start` runs it), pointed at a given
// Postgres/Redis/NATS with private prefixes, for the bench and the cross-service proof suites.
import { freePort } from '@gatehouse/testing/ports';
import { createTestStream, deleteTestStream } from '@gatehouse/testing/streams';
import { type RunningService, startService } from '../../packages/testing/src/service-process.ts';

export const SERVICE_NAMES = ['audit', 'token', 'identity', 'github-worker', 'mcp-gateway'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface StackOptions {
  natsUrl: string;
  redisUrl: string;
  databaseUrl: string;
  natsPrefix: string;
  redisPrefix: string;
  /** The GitHub emulator's origin (web and REST). */
  githubUrl: string;
  /** Extra variables for every service. */
  env?: Record<string, string>;
  /** Extra variables per service. */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Services to start; all five unless given. */
  services?: readonly ServiceName[];
  /** The gateway's port; a free one unless given (PUBLIC_URL must name it before the gateway starts). */
  port?: number;
  readyTimeoutMs?: number;
}

export interface Stack {
  /** The gateway's public URL: issuer, and `${publicUrl}/mcp` is the resource. */
  publicUrl: string;
  resource: string;
  services: Partial<Record<ServiceName, RunningService>>;
  gateway: RunningService;
  /** Milliseconds from spawning the first service to the last `ready` line. */
  readyMs: number;
  /** Everything every service printed so far (stdout and stderr), for secret-leak checks. */
  output(): string;
  /** The health server of a service (/healthz, /readyz, /metrics). */
  healthUrl(name: ServiceName): string;
  stop(): Promise<void>;
}

/**
 * JetStream reserves a stream's max_bytes up front: the default 1 GiB per prefix exhausts a shared
 * test server after a few dozen runs. The stack's stream is made small before any service starts
 * (so no publisher creates it with the default) and deleted when the stack stops.
 */
const EVENT_STREAM_BYTES = '64MiB';
const EVENT_STREAM_MAX_BYTES = 64 * 1024 ** 2;

export async function startStack(options: StackOptions): Promise<Stack> {
  await createTestStream(options.natsUrl, options.natsPrefix, EVENT_STREAM_MAX_BYTES);
  const port = options.port ?? (await freePort());
  const publicUrl = `http://127.0.0.1:${port}`;
  const common: Record<string, string> = {
    NATS_URL: options.natsUrl,
    NATS_SUBJECT_PREFIX: options.natsPrefix,
    REDIS_URL: options.redisUrl,
    REDIS_KEY_PREFIX: options.redisPrefix,
    DATABASE_URL: options.databaseUrl,
    PUBLIC_URL: publicUrl,
    GITHUB_WEB_URL: options.githubUrl,
    GITHUB_API_URL: options.githubUrl,
    LOG_LEVEL: 'info',
    EVENT_STREAM_MAX_BYTES: EVENT_STREAM_BYTES,
    ...options.env,
  };
  const names = options.services ?? SERVICE_NAMES;
  const started = performance.now();
  const services: Partial<Record<ServiceName, RunningService>> = {};
  const launch = async (name: ServiceName) => {
    const env = { ...common, ...(name === 'mcp-gateway' ? { PORT: String(port), HOST: '127.0.0.1' } : {}) };
    services[name] = await startService(
      name,
      { ...env, ...options.serviceEnv?.[name] },
      { timeoutMs: options.readyTimeoutMs ?? 20_000 },
    );
  };
  // The gateway starts last: it reads the signing keys once at boot and, if the token service is not
  // answering yet, refuses every bearer token until its re-read cooldown passes (see bench/RESULTS.md).
  const results: PromiseSettledResult<void>[] = await Promise.allSettled(
    names.filter((name) => name !== 'mcp-gateway').map(launch),
  );
  if (names.includes('mcp-gateway') && !results.some((result) => result.status === 'rejected')) {
    results.push(...(await Promise.allSettled([launch('mcp-gateway')])));
  }
  const readyMs = performance.now() - started;
  const stop = async () => {
    await Promise.all(Object.values(services).map((service) => service.kill()));
    // The event stream and the audit service's dead-letter stream beside it.
    await deleteTestStream(options.natsUrl, options.natsPrefix).catch(() => undefined);
  };
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) {
    await stop();
    throw failure.reason;
  }
  const gateway = services['mcp-gateway'];
  return {
    publicUrl,
    resource: `${publicUrl}/mcp`,
    services,
    gateway: gateway as RunningService,
    readyMs,
    output: () =>
      Object.values(services)
        .map((service) => service.output())
        .join('\n'),
    healthUrl: (name) => `http://127.0.0.1:${services[name]?.ready.health_port}`,
    stop,
  };
}

import type { AddressInfo } from 'node:net';
import { Bus } from '@gatehouse/bus';
import { createLogger } from '@gatehouse/logging';
import { type CapturedLogs, captureLogs, type Isolation, type TestInfrastructure } from '@gatehouse/testing';
import { Redis } from 'ioredis';
import { createGateway } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';

export interface TestGateway {
  /** Where the test reaches it (loopback, a free port). */
  url: string;
  bus: Bus;
  redis: Redis;
  logs: CapturedLogs;
  close(): Promise<void>;
}

/**
 * The gateway's own composition (createGateway with real NATS and Redis), listening on a free
 * loopback port. PUBLIC_URL may differ from `url`: documents and cookies follow PUBLIC_URL.
 */
export async function startGateway(
  infrastructure: TestInfrastructure,
  isolation: Isolation,
  env: Record<string, string> = {},
): Promise<TestGateway> {
  const config = loadConfig({
    NATS_URL: infrastructure.natsUrl,
    NATS_SUBJECT_PREFIX: isolation.natsPrefix,
    REDIS_URL: infrastructure.redisUrl,
    REDIS_KEY_PREFIX: isolation.redisPrefix,
    PUBLIC_URL: 'https://gatehouse.test',
    LOG_LEVEL: 'debug',
    PORT: '0',
    ...env,
  });
  const logs = captureLogs();
  const logger = createLogger({ service: 'mcp-gateway', level: config.LOG_LEVEL, destination: logs.stream });
  const redis = new Redis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX, maxRetriesPerRequest: 2 });
  redis.on('error', (error) => logger.warn({ err: error }, 'redis error'));
  const bus = await Bus.connect({
    url: config.NATS_URL,
    service: 'mcp-gateway',
    prefix: config.NATS_SUBJECT_PREFIX,
    logger,
  });
  const { app } = createGateway({ config, logger, bus, redis });
  const server = app.listen(config.PORT, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bus,
    redis,
    logs,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await bus.drain();
      redis.disconnect();
    },
  };
}

import { mkdtemp } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus } from '@gatehouse/bus';
import { createLogger } from '@gatehouse/logging';
import { type CapturedLogs, captureLogs, type Isolation, type TestInfrastructure } from '@gatehouse/testing';
import express from 'express';
import helmet from 'helmet';
import { Redis } from 'ioredis';
import type { JwksSource } from '../../src/auth/signing-keys.ts';
import { loadConfig } from '../../src/config.ts';
import { createMcpModule } from '../../src/mcp/module.ts';
import type { GatewayModule } from '../../src/module.ts';
import { buildWidgets } from '../../widgets/build.ts';

export const PUBLIC_URL = 'https://gateway.example';
export const RESOURCE = `${PUBLIC_URL}/mcp`;
export const RESOURCE_METADATA = `${PUBLIC_URL}/.well-known/oauth-protected-resource/mcp`;

let widgetsDir: Promise<string> | undefined;

/** The widgets, built once per test file into a directory of its own. */
export function builtWidgets(): Promise<string> {
  widgetsDir ??= mkdtemp(join(tmpdir(), 'gatehouse-widgets-test-')).then((dir) =>
    buildWidgets({ outDir: dir, quiet: true }),
  );
  return widgetsDir;
}

export interface TestGateway {
  url: string;
  mcpUrl: string;
  bus: Bus;
  logs: CapturedLogs;
  module: GatewayModule;
  close(): Promise<void>;
}

/**
 * The gateway's /mcp module, composed as start.ts composes it (config from the environment, a
 * real Bus and Redis, helmet, the module started before the port opens), against the real NATS
 * and Redis, with the signing keys from the test or (without `jwks`) from the real token service.
 */
export async function startTestGateway(
  infrastructure: TestInfrastructure,
  isolation: Isolation,
  /** `jwks` omitted: the production key source, the token service over the bus. */
  options: { jwks?: JwksSource; env?: Record<string, string> },
): Promise<TestGateway> {
  const config = loadConfig({
    NATS_URL: infrastructure.natsUrl,
    NATS_SUBJECT_PREFIX: isolation.natsPrefix,
    REDIS_URL: infrastructure.redisUrl,
    REDIS_KEY_PREFIX: isolation.redisPrefix,
    PUBLIC_URL,
    LOG_LEVEL: 'debug',
    MCP_TOOL_TIMEOUT: '2s',
    ...options.env,
  });
  const logs = captureLogs();
  const logger = createLogger({ service: 'mcp-gateway', level: config.LOG_LEVEL, destination: logs.stream });
  const bus = await Bus.connect({
    url: config.NATS_URL,
    service: 'mcp-gateway',
    prefix: config.NATS_SUBJECT_PREFIX,
    logger,
  });
  const redis = new Redis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX, lazyConnect: true });
  const module = createMcpModule(
    { config, logger, bus, redis },
    { jwksSource: options.jwks, widgetsDir: await builtWidgets() },
  );
  await module.start?.();
  const app = express();
  app.disable('x-powered-by');
  app.use(helmet());
  app.use(module.router);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', error_description: 'No such endpoint.' });
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    mcpUrl: `${url}/mcp`,
    bus,
    logs,
    module,
    async close() {
      await Promise.all([new Promise((resolve) => server.close(resolve)), module.drain?.()]);
      await module.stop?.();
      await bus.drain();
      redis.disconnect();
    },
  };
}

import type { AddressInfo } from 'node:net';
import { Bus } from '@gatehouse/bus';
import { runService } from '@gatehouse/health';
import { createLogger } from '@gatehouse/logging';
import { Redis } from 'ioredis';
import { createGateway } from './app.ts';
import { loadConfig } from './config.ts';

/** Boot order: config → logger → dependencies → HTTP → ready. */
export async function start(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(env);
  const logger = createLogger({ service: 'mcp-gateway', level: config.LOG_LEVEL });
  const redis = new Redis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX, maxRetriesPerRequest: 2 });
  const bus = await Bus.connect({
    url: config.NATS_URL,
    service: 'mcp-gateway',
    prefix: config.NATS_SUBJECT_PREFIX,
    credsFile: config.NATS_CREDS_FILE,
    logger,
  });
  const { app, modules } = createGateway({ config, logger, bus, redis });
  for (const module of modules) await module.start?.();
  const server = app.listen(config.PORT, config.HOST);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  await runService({
    logger,
    health: { port: config.HEALTH_PORT, host: config.HEALTH_HOST },
    checks: Object.assign(
      { nats: () => bus.ping(), redis: () => redis.ping() },
      ...modules.map((m) => m.checks ?? {}),
    ),
    shutdown: [
      {
        name: 'http',
        run: () =>
          Promise.all([new Promise((resolve) => server.close(resolve)), ...modules.map((m) => m.drain?.())]),
      },
      ...modules.flatMap((m) => (m.stop ? [{ name: m.name, run: m.stop }] : [])),
      { name: 'bus', run: () => bus.drain() },
      { name: 'redis', run: () => redis.quit() },
    ],
    readyFields: { port, url: config.PUBLIC_URL },
  });
}

import { describe, expect, type RunningService, startService, test } from '@gatehouse/testing';
import { afterAll } from 'vitest';

const SERVICES = ['audit', 'token', 'identity', 'github-worker', 'mcp-gateway'];

// Each service as its own process, the way `npm start` and the containers run them.
describe('the five services', () => {
  const running: RunningService[] = [];
  afterAll(async () => {
    await Promise.all(running.map((service) => service.kill()));
  });

  test('boot, report ready on /readyz, and stop cleanly on SIGTERM', async ({
    infrastructure,
    isolation,
  }) => {
    const env = {
      NATS_URL: infrastructure.natsUrl,
      NATS_SUBJECT_PREFIX: isolation.natsPrefix,
      REDIS_URL: infrastructure.redisUrl,
      REDIS_KEY_PREFIX: isolation.redisPrefix,
      DATABASE_URL: isolation.databaseUrl,
      PORT: '0',
      // The audit service applies its stream limits; keep the test's stream small.
      EVENT_STREAM_MAX_BYTES: '16MiB',
    };
    running.push(...(await Promise.all(SERVICES.map((name) => startService(name, env)))));
    for (const service of running) {
      const response = await fetch(`http://127.0.0.1:${service.ready.health_port}/readyz`);
      expect(response.status, service.name).toBe(200);
      expect((await response.json()).status).toBe('ready');
    }
    const gateway = running.find((service) => service.name === 'mcp-gateway')!;
    expect(gateway.ready.port).toEqual(expect.any(Number));
    const codes = await Promise.all(running.map((service) => service.stop()));
    expect(codes).toEqual([0, 0, 0, 0, 0]);
  }, 40_000);

  test('refuse to start on a bad environment, listing every problem', async () => {
    const error = await startService('mcp-gateway', {
      PORT: 'eighty',
      PUBLIC_URL: 'not a url',
      LOG_LEVEL: 'loud',
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('exited with 1');
    expect(message).toContain('mcp-gateway: invalid configuration');
    for (const name of ['PORT', 'PUBLIC_URL', 'LOG_LEVEL']) expect(message).toContain(`- ${name}:`);
  });
});

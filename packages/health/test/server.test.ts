import { createLogger } from '@gatehouse/logging';
import { describe, expect, test } from 'vitest';
import { startHealthServer } from '../src/index.ts';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('health server', () => {
  test('is alive while a dependency fails, and not ready', async () => {
    const server = await startHealthServer({
      port: 0,
      logger,
      checks: { good: async () => {}, bad: async () => Promise.reject(new Error('connection refused')) },
    });
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      status: 'not ready',
      checks: { good: 'ok', bad: 'failing: connection refused' },
    });
    await server.close();
  });

  test('times a hung check out after a second', async () => {
    const server = await startHealthServer({
      port: 0,
      logger,
      checks: { hung: () => new Promise(() => {}) },
    });
    const ready = await fetch(`http://127.0.0.1:${server.port}/readyz`);
    expect(ready.status).toBe(503);
    expect((await ready.json()).checks.hung).toBe('failing: timed out');
    await server.close();
  });

  test('serves Prometheus metrics', async () => {
    const server = await startHealthServer({ port: 0, logger, checks: {} });
    const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toContain('process_cpu_user_seconds_total');
    expect((await fetch(`http://127.0.0.1:${server.port}/readyz`)).status).toBe(200);
    await server.close();
  });
});

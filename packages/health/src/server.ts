import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@gatehouse/logging';
import { collectDefaultMetrics, register } from 'prom-client';

/** Resolves when a dependency answers; throws when it does not. */
export type ReadinessCheck = () => Promise<unknown>;

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 1_000;
let defaultMetricsStarted = false;

async function runCheck(check: ReadinessCheck): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return 'ok';
  } catch (error) {
    return `failing: ${(error as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The orchestrator's port: `/healthz` (the process is alive), `/readyz` (every dependency
 * answers within a second: 503 otherwise, so traffic moves elsewhere) and `/metrics`
 * (Prometheus text). Kept off the public port on purpose.
 */
export async function startHealthServer(options: {
  port: number;
  host?: string;
  checks: Record<string, ReadinessCheck>;
  logger: Logger;
}): Promise<HealthServer> {
  if (!defaultMetricsStarted) {
    collectDefaultMetrics();
    defaultMetricsStarted = true;
  }
  let shuttingDown = false;
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else if (path === '/readyz') {
      const names = Object.keys(options.checks);
      const results = await Promise.all(names.map((name) => runCheck(options.checks[name]!)));
      const checks = Object.fromEntries(names.map((name, i) => [name, results[i]]));
      const ready = !shuttingDown && results.every((result) => result === 'ok');
      res
        .writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: ready ? 'ready' : shuttingDown ? 'stopping' : 'not ready', checks }));
    } else if (path === '/metrics') {
      res.writeHead(200, { 'content-type': register.contentType }).end(await register.metrics());
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  options.logger.debug({ port }, 'health server listening');
  return {
    port,
    async close() {
      shuttingDown = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

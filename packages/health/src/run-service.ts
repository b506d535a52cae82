import type { Logger } from '@gatehouse/logging';
import { type ReadinessCheck, startHealthServer } from './server.ts';
import { handleShutdown, type ShutdownStep } from './shutdown.ts';

export interface RunServiceOptions {
  logger: Logger;
  health: { port: number; host?: string };
  checks: Record<string, ReadinessCheck>;
  /** In order: stop taking work, finish in-flight work, close pools. */
  shutdown: ShutdownStep[];
  /** Extra fields for the `ready` line (the gateway's public port). */
  readyFields?: Record<string, unknown>;
  shutdownTimeoutMs?: number;
}

/**
 * The last step of every service's start: health port up, signal handlers installed, and one
 * `ready` log line that `npm start` and the test harness wait for.
 */
export async function runService(options: RunServiceOptions): Promise<void> {
  const health = await startHealthServer({
    ...options.health,
    checks: options.checks,
    logger: options.logger,
  });
  handleShutdown(
    options.logger,
    [...options.shutdown, { name: 'health server', run: () => health.close() }],
    options.shutdownTimeoutMs,
  );
  options.logger.info({ health_port: health.port, ...options.readyFields }, 'ready');
}

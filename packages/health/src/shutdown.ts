import type { Logger } from '@gatehouse/logging';

export interface ShutdownStep {
  name: string;
  run(): Promise<unknown>;
}

/**
 * On SIGTERM or SIGINT, runs the steps in order (stop taking work, finish in-flight work, close
 * pools) and exits 0; if they take longer than `timeoutMs`, exits 1 so the orchestrator is not
 * kept waiting on a hung dependency.
 */
export function handleShutdown(logger: Logger, steps: ShutdownStep[], timeoutMs = 15_000): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out');
      process.exit(1);
    }, timeoutMs).unref();
    for (const step of steps) {
      try {
        await step.run();
      } catch (error) {
        logger.error({ err: error, step: step.name }, 'shutdown step failed');
      }
    }
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = new URL('../../..', import.meta.url).pathname;

export interface RunningService {
  name: string;
  process: ChildProcess;
  /** Fields of the service's `ready` log line: health_port, and port for the gateway. */
  ready: Record<string, unknown>;
  /** Every JSON log line so far. */
  logs: Record<string, unknown>[];
  /** Raw stdout and stderr, for assertions that no secret was printed. */
  output(): string;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, no goodbye. */
  kill(): Promise<void>;
}

/**
 * Starts a service as its own process, the way `npm start` and the container do, and waits for
 * its `ready` log line. Tests use it to drive services black-box over NATS and HTTP.
 */
export async function startService(
  name: string,
  env: Record<string, string>,
  options: { timeoutMs?: number } = {},
): Promise<RunningService> {
  const child = spawn(process.execPath, [join(ROOT, 'services', name, 'src', 'main.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HEALTH_PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let raw = '';
  child.stderr?.on('data', (chunk) => {
    raw += String(chunk);
  });
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`${name} not ready after ${options.timeoutMs ?? 15_000} ms:\n${raw.slice(-4000)}`)),
      options.timeoutMs ?? 15_000,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before ready:\n${raw.slice(-4000)}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      raw += `${line}\n`;
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'ready') {
          clearTimeout(timer);
          resolve(entry);
        }
      } catch {
        // not JSON: kept in raw output only
      }
    });
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    name,
    process: child,
    ready: await ready,
    logs,
    output: () => raw,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

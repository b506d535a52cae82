// Starts one process of the floor (bench/floor/server.ts) and waits for its ready line.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface FloorProcess {
  process: ChildProcess;
  /** The front's HTTP port; the back listens on NATS only. */
  port?: number;
}

export async function startFloorProcess(
  role: 'front' | 'back',
  env: Record<string, string>,
): Promise<FloorProcess> {
  const child = spawn(process.execPath, [new URL('./server.ts', import.meta.url).pathname, role], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: child.stdout! })) {
    const ready = JSON.parse(line) as { ready: boolean; port?: number };
    if (ready.ready) return { process: child, port: ready.port };
  }
  throw new Error(`the floor's ${role} process exited before it was ready`);
}

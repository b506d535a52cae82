// The GitHub emulator as its own process, so its event loop is not the load generator's.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { freePort } from '@gatehouse/testing/ports';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface EmulatorProcess {
  url: string;
  process: ChildProcess;
  /** POST /_emulator/<path> with a JSON body. */
  control(path: string, body: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startEmulatorProcess(callbackUrl: string): Promise<EmulatorProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'tools/github-emulator/src/main.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      GITHUB_EMULATOR_PORT: String(port),
      GITHUB_EMULATOR_CALLBACK_URL: callbackUrl,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (chunk) => {
      if (String(chunk).includes('listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`github-emulator exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    process: child,
    async control(path, body) {
      const response = await fetch(`${url}/_emulator/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return response.json();
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** GitHub's 5,000/h would throttle the tool-call phases long before the gateway does. */
export async function liftRateLimits(emulator: EmulatorProcess): Promise<void> {
  await emulator.control('config', {
    rateLimit: { limit: 100_000_000, windowSeconds: 3600 },
    searchRateLimit: { limit: 100_000_000, windowSeconds: 60 },
    secondaryRateLimit: null,
  });
}

/** A GitHub token for the seeded user, as a direct caller of GitHub would hold one. */
export async function mintGitHubToken(emulator: EmulatorProcess): Promise<string> {
  const minted = (await emulator.control('tokens', { login: 'octocat', scopes: ['repo'] })) as {
    token: string;
  };
  return minted.token;
}

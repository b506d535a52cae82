import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

it('runs standalone from environment variables and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      GITHUB_EMULATOR_PORT: '0',
      GITHUB_EMULATOR_AUTO_APPROVE: 'monalisa',
      GITHUB_EMULATOR_CLIENT_ID: 'demo-client',
      GITHUB_EMULATOR_CLIENT_SECRET: 'demo-secret',
      GITHUB_EMULATOR_CALLBACK_URL: 'http://localhost:8080/oauth/callback/github',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      output += String(chunk);
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });

  const authorize = await fetch(
    `${url}/login/oauth/authorize?client_id=demo-client&redirect_uri=${encodeURIComponent(
      'http://localhost:8080/oauth/callback/github/chatgpt',
    )}&state=s`,
    { redirect: 'manual' },
  );
  const code = new URL(authorize.headers.get('location')!).searchParams.get('code')!;
  const token = await fetch(`${url}/login/oauth/access_token`, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: 'demo-client', client_secret: 'demo-secret', code }),
  });
  const { access_token } = (await token.json()) as { access_token: string };
  const user = await fetch(`${url}/user`, { headers: { authorization: `Bearer ${access_token}` } });
  expect(await user.json()).toMatchObject({ login: 'monalisa' });

  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [exitCode] = await exited;
  expect(exitCode).toBe(0);
  expect(output.trim().split('\n')).toHaveLength(1);
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningGitHubEmulator, startGitHubEmulator } from '../src/index.ts';

let emulator: RunningGitHubEmulator;

beforeAll(async () => {
  emulator = await startGitHubEmulator({ autoApprove: null });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

async function control(
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${emulator.url}/_emulator${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

function userStatus(token: string): Promise<number> {
  return fetch(`${emulator.apiUrl}/user`, { headers: { authorization: `Bearer ${token}` } }).then(
    (r) => r.status,
  );
}

describe('/_emulator/tokens', () => {
  it('mints a token for a seeded user and expires it on demand', async () => {
    const minted = await control('/tokens', { login: 'monalisa', scopes: 'repo, read:org' });
    expect(minted.status).toBe(201);
    expect(minted.json).toMatchObject({ login: 'monalisa', scopes: ['repo', 'read:org'], expiresAt: null });
    const token = minted.json.token as string;
    expect(token).toMatch(/^gho_[A-Za-z0-9]{36}$/);
    expect(await userStatus(token)).toBe(200);

    expect((await control('/tokens/expire', { token })).status).toBe(200);
    expect(await userStatus(token)).toBe(401);
    expect((await control('/tokens/expire', { token: 'gho_unknown' })).status).toBe(404);
  });

  it('honours expiresIn and refuses unknown users', async () => {
    const minted = await control('/tokens', { login: 'hubot', expiresIn: 60 });
    const expiresAt = Date.parse(minted.json.expiresAt as string);
    expect(expiresAt - Date.now()).toBeGreaterThan(55_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(60_000);
    expect(minted.json.scopes).toEqual(['repo']);
    const unknown = await control('/tokens', { login: 'nobody' });
    expect(unknown).toMatchObject({ status: 400, json: { message: 'no seeded user "nobody"' } });
  });
});

describe('/_emulator/reset', () => {
  it('restores the seed and clears tokens unless asked to keep them', async () => {
    const token = emulator.mintToken({ login: 'octocat' });
    const created = await fetch(`${emulator.apiUrl}/repos/octocat/gatehouse-demo/issues`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Temporary' }),
    });
    expect(created.status).toBe(201);
    expect(emulator.state.store.repo('octocat', 'gatehouse-demo')!.issues).toHaveLength(9);

    expect((await control('/reset', { keepTokens: true })).status).toBe(200);
    expect(emulator.state.store.repo('octocat', 'gatehouse-demo')!.issues).toHaveLength(8);
    expect(await userStatus(token)).toBe(200);

    await control('/reset', {});
    expect(await userStatus(token)).toBe(401);
  });

  it('restores the startup config unless asked to keep it', async () => {
    await control('/config', { latencyMs: 5 });
    await control('/reset', { keepConfig: true });
    expect(emulator.state.config.latencyMs).toBe(5);
    await control('/reset', {});
    expect(emulator.state.config.latencyMs).toBe(0);
    // The startup options, not the library defaults, come back.
    expect(emulator.state.config.autoApprove).toBeNull();
  });
});

describe('/_emulator/config', () => {
  it('applies valid changes and reports the whole config', async () => {
    const { status, json } = await control('/config', {
      autoApprove: 'hubot',
      rateLimit: { limit: 10, windowSeconds: 60 },
      faults: [{ path: '^/user$', status: 500, times: 1 }],
    });
    expect(status).toBe(200);
    expect(json).toMatchObject({ autoApprove: 'hubot', rateLimit: { limit: 10 }, expiringTokens: false });
    expect((await control('/config')).json).toEqual(json);
  });

  it('rejects invalid values with a 400 naming the problem', async () => {
    expect(await control('/config', { latencyMs: -1 })).toMatchObject({
      status: 400,
      json: { message: 'latencyMs must be a number from 0' },
    });
    expect((await control('/config', { faults: [{ path: '(', status: 500 }] })).json.message).toBe(
      'faults[0].path must be a valid regular expression',
    );
    expect((await control('/config', { colour: 'blue' })).json.message).toBe('unknown config key "colour"');
    expect(emulator.state.config.latencyMs).toBe(0);
  });
});

describe('/_emulator/apps and /_emulator/state', () => {
  it('registers an app that can then complete the OAuth flow', async () => {
    const registered = await control('/apps', {
      clientId: 'late-app',
      clientSecret: 'late-secret',
      callbackUrl: 'http://localhost:3000/cb',
    });
    expect(registered.status).toBe(201);
    await control('/config', { autoApprove: 'octocat' });
    const authorize = await fetch(`${emulator.url}/login/oauth/authorize?client_id=late-app&state=s`, {
      redirect: 'manual',
    });
    const code = new URL(authorize.headers.get('location')!).searchParams.get('code')!;
    const token = await fetch(`${emulator.url}/login/oauth/access_token`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'late-app', client_secret: 'late-secret', code }),
    });
    expect(await token.json()).toHaveProperty('access_token');
  });

  it('dumps users, repositories, tokens and config without app secrets', async () => {
    emulator.mintToken({ login: 'octocat' });
    const { json } = await control('/state');
    expect((json.users as { login: string }[]).map((user) => user.login)).toEqual([
      'octocat',
      'hubot',
      'monalisa',
    ]);
    expect((json.orgs as { login: string }[]).map((org) => org.login)).toEqual(['octo-org']);
    expect((json.repos as unknown[]).length).toBeGreaterThan(40);
    expect(json.tokens).toEqual([expect.objectContaining({ login: 'octocat', expired: false })]);
    expect(JSON.stringify(json)).not.toContain('gatehouse-dev-secret');
  });

  it('answers unknown control paths with 404', async () => {
    expect((await control('/nope')).status).toBe(404);
  });
});

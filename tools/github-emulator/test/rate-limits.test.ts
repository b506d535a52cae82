import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningGitHubEmulator, startGitHubEmulator } from '../src/index.ts';
import { takeFault } from '../src/rest/faults.ts';
import { octokit, requestError } from './helpers.ts';

let emulator: RunningGitHubEmulator;
let octocat: string;

beforeAll(async () => {
  emulator = await startGitHubEmulator();
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.reset();
  octocat = emulator.mintToken({ login: 'octocat', scopes: ['repo'] });
});

describe('primary rate limit', () => {
  it('counts down per user and answers 403 with remaining 0 once spent', async () => {
    emulator.configure({ rateLimit: { limit: 3, windowSeconds: 60 } });
    const { client, events } = octokit(emulator.apiUrl, octocat);
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      remaining.push(String((await client.rest.users.getAuthenticated()).headers['x-ratelimit-remaining']));
    }
    expect(remaining).toEqual(['2', '1', '0']);

    const before = Math.floor(Date.now() / 1000);
    const error = await requestError(client.rest.users.getAuthenticated());
    expect(error.status).toBe(403);
    expect(error.message).toContain('API rate limit exceeded for user ID 583231.');
    expect(error.response?.headers['x-ratelimit-remaining']).toBe('0');
    expect(error.response?.headers['x-ratelimit-used']).toBe('3');
    const reset = Number(error.response?.headers['x-ratelimit-reset']);
    expect(reset).toBeGreaterThan(before);
    expect(reset).toBeLessThanOrEqual(before + 61);
    // The throttling plugin recognised the primary limit (and the test's handler declined to wait).
    expect(events.rateLimited).toHaveLength(1);

    // Another token of the same user shares the quota, as on GitHub.
    const second = emulator.mintToken({ login: 'octocat' });
    expect(
      (await fetch(`${emulator.apiUrl}/user`, { headers: { authorization: `Bearer ${second}` } })).status,
    ).toBe(403);
    const hubot = emulator.mintToken({ login: 'hubot' });
    expect(
      (await fetch(`${emulator.apiUrl}/user`, { headers: { authorization: `Bearer ${hubot}` } })).status,
    ).toBe(200);
  });

  it('is reported by GET /rate_limit, which itself costs nothing', async () => {
    const { client } = octokit(emulator.apiUrl, octocat);
    await client.rest.users.getAuthenticated();
    const first = await client.rest.rateLimit.get();
    const second = await client.rest.rateLimit.get();
    expect(first.data.resources.core).toMatchObject({ limit: 5000, used: 1, remaining: 4999 });
    expect(second.data.rate.used).toBe(1);
    expect(second.data.resources.search).toMatchObject({ limit: 30, used: 0 });
  });
});

describe('secondary rate limit', () => {
  it('answers 429 with Retry-After, which the throttling plugin waits out and retries', async () => {
    emulator.configure({ secondaryRateLimit: { maxRequests: 2, windowSeconds: 1, retryAfterSeconds: 1 } });
    const { client, events } = octokit(emulator.apiUrl, octocat);
    await client.rest.users.getAuthenticated();
    await client.rest.users.getAuthenticated();

    const started = Date.now();
    const { data } = await client.rest.users.getAuthenticated();
    expect(data.login).toBe('octocat');
    expect(events.secondaryLimited).toEqual([1]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('uses GitHub’s wording so clients can tell it from the primary limit', async () => {
    emulator.configure({ secondaryRateLimit: { maxRequests: 1, windowSeconds: 60, status: 403 } });
    const headers = { authorization: `Bearer ${octocat}` };
    await fetch(`${emulator.apiUrl}/user`, { headers });
    const limited = await fetch(`${emulator.apiUrl}/user`, { headers });
    expect(limited.status).toBe(403);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await limited.json()) as { message: string };
    expect(body.message).toMatch(/^You have exceeded a secondary rate limit\./);
    expect(body.message).toContain(limited.headers.get('x-github-request-id'));
  });
});

describe('faults and latency', () => {
  it('fails the next N matching requests, which the retry plugin rides out', async () => {
    emulator.configure({ faults: [{ path: '^/user$', status: 502, times: 2 }] });
    const { client } = octokit(emulator.apiUrl, octocat, { retryAfterBaseValue: 1 });
    const { data } = await client.rest.users.getAuthenticated();
    expect(data.login).toBe('octocat');
    expect(emulator.state.config.faults).toEqual([]);
  });

  it('answers with the configured status, message and Retry-After, for matching method and path only', async () => {
    await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        path: '/issues$',
        method: 'post',
        status: 503,
        message: 'Unicorn!',
        retryAfterSeconds: 7,
      }),
    });
    const headers = { authorization: `Bearer ${octocat}`, 'content-type': 'application/json' };
    const read = await fetch(`${emulator.apiUrl}/repos/octocat/gatehouse-demo/issues`, { headers });
    expect(read.status).toBe(200);
    const write = await fetch(`${emulator.url}/api/v3/repos/octocat/gatehouse-demo/issues`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ title: 'x' }),
    });
    expect(write.status).toBe(503);
    expect(write.headers.get('retry-after')).toBe('7');
    expect(await write.json()).toMatchObject({ message: 'Unicorn!' });
    // Without `times`, the rule stays armed.
    expect(emulator.state.config.faults).toHaveLength(1);
  });

  it('fires by probability', () => {
    const rules = () => [{ path: '.', status: 500, probability: 0.5 }];
    expect(takeFault(rules(), 'GET', '/user', () => 0.7)).toBeUndefined();
    expect(takeFault(rules(), 'GET', '/user', () => 0.2)).toMatchObject({ status: 500 });
  });

  it('reads a 403 fault without a message as a secondary rate limit', async () => {
    emulator.configure({ faults: [{ path: '^/user$', status: 403, times: 1, retryAfterSeconds: 2 }] });
    const response = await fetch(`${emulator.apiUrl}/user`, {
      headers: { authorization: `Bearer ${octocat}` },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(((await response.json()) as { message: string }).message).toContain('secondary rate limit');
  });

  it('adds the configured latency', async () => {
    emulator.configure({ latencyMs: 150 });
    const started = performance.now();
    await fetch(`${emulator.apiUrl}/user`, { headers: { authorization: `Bearer ${octocat}` } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });
});

import { createLogger } from '@gatehouse/logging';
import { captureLogs, describe, expect, test } from '@gatehouse/testing';
import { githubRateLimits } from './metrics.ts';
import {
  DeadlineExceeded,
  type PolicyClock,
  type PolicyRequest,
  type RequestPolicyOptions,
  rateLimitOf,
  requestPolicy,
  sleep,
  WriteQueue,
} from './request-policy.ts';

// The policy on its own: a fake `request` answers from a script, a fake clock records the waits
// (and moves time by them). test/resilience.test.ts drives the same paths through the emulator.

const NOW = Date.parse('2026-01-01T00:00:00Z');
const READ: PolicyRequest = { method: 'GET', url: '/repos/{owner}/{repo}' };
const WRITE: PolicyRequest = { method: 'POST', url: '/repos/{owner}/{repo}/issues' };

/** The shape Octokit's RequestError has. */
function httpError(status: number, headers: Record<string, string> = {}, message = `HTTP ${status}`) {
  return Object.assign(new Error(message), {
    name: 'HttpError',
    status,
    request: { method: 'GET', url: 'https://api.github.com/repos/o/r' },
    response: { headers, data: { message } },
  });
}

/** What Octokit throws when fetch fails: status 500, no response. */
function networkError() {
  return Object.assign(new Error('connect ECONNREFUSED'), { name: 'HttpError', status: 500 });
}

function fakeClock(start = NOW, random = 0.5) {
  const waits: number[] = [];
  let now = start;
  const clock: PolicyClock = {
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal.aborted) throw new DeadlineExceeded();
      waits.push(ms);
      now += ms;
    },
    random: () => random,
  };
  return { clock, waits };
}

/** A request that answers from `script` in order (an Error is thrown), counting its calls. */
function scripted(...script: unknown[]) {
  const calls: PolicyRequest[] = [];
  const request = async (options: PolicyRequest) => {
    calls.push(options);
    const next = script[Math.min(calls.length - 1, script.length - 1)];
    if (next instanceof Error) throw next;
    return { status: 200, data: next };
  };
  return { request, calls };
}

function setup(overrides: Partial<RequestPolicyOptions> = {}, clockOptions?: { random?: number }) {
  const logs = captureLogs();
  const { clock, waits } = fakeClock(NOW, clockOptions?.random);
  const options: RequestPolicyOptions = {
    maxRetries: 2,
    logger: createLogger({ service: 'request-policy-test', level: 'debug', destination: logs.stream }),
    signal: new AbortController().signal,
    deadline: NOW + 10_000,
    idempotent: true,
    userId: 'u1',
    writes: new WriteQueue(),
    clock,
    ...overrides,
  };
  return { policy: requestPolicy(options), waits, logs, options };
}

async function counted(kind: string, retried: boolean): Promise<number> {
  const { values } = await githubRateLimits.get();
  return values.find((v) => v.labels.kind === kind && v.labels.retried === String(retried))?.value ?? 0;
}

describe('a read that succeeds', () => {
  test('is one request, with no wait', async () => {
    const { policy, waits } = setup();
    const { request, calls } = scripted('ok');
    await expect(policy(request, READ)).resolves.toEqual({ status: 200, data: 'ok' });
    expect(calls).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  test('settles without giving the event loop a turn (no timer, no setImmediate)', async () => {
    const { policy } = setup({ clock: undefined });
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    await policy(async () => ({ status: 200 }), READ);
    expect(turned).toBe(false);
  });
});

describe('rate limits', () => {
  test('a primary limit waits until one second past x-ratelimit-reset, then retries', async () => {
    const { policy, waits, logs } = setup({ deadline: NOW + 60_000 });
    const reset = String(NOW / 1000 + 5);
    const { request, calls } = scripted(
      httpError(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }),
      'ok',
    );
    const before = await counted('primary', true);
    await expect(policy(request, READ)).resolves.toMatchObject({ data: 'ok' });
    expect(calls).toHaveLength(2);
    expect(waits).toEqual([6_000]);
    expect(await counted('primary', true)).toBe(before + 1);
    expect(logs.lines().find((line) => line.msg === 'GitHub rate limit')).toMatchObject({
      route: 'GET /repos/{owner}/{repo}',
      kind: 'primary',
      retryAfterSeconds: 6,
      retryCount: 0,
      retrying: true,
    });
  });

  test('a primary limit whose reset is past the deadline is reported at once, and counted', async () => {
    const { policy, waits, logs } = setup();
    const limit = httpError(429, {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(NOW / 1000 + 600),
    });
    const { request, calls } = scripted(limit);
    const before = await counted('primary', false);
    await expect(policy(request, READ)).rejects.toBe(limit);
    expect(calls).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(await counted('primary', false)).toBe(before + 1);
    expect(logs.lines().find((line) => line.msg === 'GitHub rate limit')).toMatchObject({ retrying: false });
  });

  test('a secondary limit waits Retry-After seconds (a number or an HTTP date)', async () => {
    const { policy, waits } = setup();
    const { request } = scripted(
      httpError(429, { 'retry-after': '2' }),
      httpError(403, { 'retry-after': new Date(NOW + 5_000).toUTCString() }),
      'ok',
    );
    await expect(policy(request, READ)).resolves.toMatchObject({ data: 'ok' });
    expect(waits).toEqual([2_000, 3_000]);
  });

  test('a 403 in GitHub’s secondary-limit words without Retry-After waits 60 s when that fits', async () => {
    const { policy, waits } = setup({ deadline: NOW + 120_000 });
    const { request } = scripted(
      httpError(403, {}, 'You have exceeded a secondary rate limit. Please wait a few minutes.'),
      'ok',
    );
    await expect(policy(request, READ)).resolves.toMatchObject({ data: 'ok' });
    expect(waits).toEqual([60_000]);
  });

  test('a write is retried after a rate limit too: GitHub did nothing', async () => {
    const { policy, waits } = setup({ idempotent: false });
    const { request, calls } = scripted(httpError(429, { 'retry-after': '1' }), 'created');
    await expect(policy(request, WRITE)).resolves.toMatchObject({ data: 'created' });
    expect(calls).toHaveLength(2);
    expect(waits).toEqual([1_000]);
  });

  test('stops after maxRetries retries even when more would fit', async () => {
    const { policy, logs } = setup({ maxRetries: 1, deadline: NOW + 600_000 });
    const limit = httpError(429, { 'retry-after': '1' });
    const { request, calls } = scripted(limit);
    await expect(policy(request, READ)).rejects.toBe(limit);
    expect(calls).toHaveLength(2);
    const logged = logs.lines().filter((line) => line.msg === 'GitHub rate limit');
    expect(logged.map((line) => [line.retryCount, line.retrying])).toEqual([
      [0, true],
      [1, false],
    ]);
  });

  test('a wait that would end at the deadline is not begun', async () => {
    const { policy, waits } = setup({ deadline: NOW + 2_000 });
    const limit = httpError(429, { 'retry-after': '2' });
    await expect(policy(scripted(limit).request, READ)).rejects.toBe(limit);
    expect(waits).toEqual([]);
  });

  test('what is and is not a rate limit', () => {
    expect(rateLimitOf(httpError(403, {}, 'Resource not accessible by integration'), NOW)).toBeUndefined();
    expect(rateLimitOf(httpError(429, {}), NOW)).toBeUndefined();
    expect(rateLimitOf(httpError(404, { 'retry-after': '5' }), NOW)).toBeUndefined();
    expect(rateLimitOf(httpError(403, { 'x-ratelimit-remaining': '0' }), NOW)).toEqual({
      kind: 'primary',
      retryAfterSeconds: 60,
    });
    expect(
      rateLimitOf(
        httpError(429, { 'x-ratelimit-remaining': '0' }, 'You have exceeded a secondary rate limit'),
        NOW,
      ),
    ).toEqual({ kind: 'secondary', retryAfterSeconds: 60 });
    expect(rateLimitOf(httpError(403, { 'retry-after': 'soon' }), NOW)).toEqual({
      kind: 'secondary',
      retryAfterSeconds: 60,
    });
  });
});

describe('5xx and network failures', () => {
  test('a read is retried after 100 ms × 2ⁿ with jitter, up to maxRetries', async () => {
    const { policy, waits } = setup({}, { random: 1 });
    const failure = httpError(502);
    const { request, calls } = scripted(failure, httpError(503), failure);
    await expect(policy(request, READ)).rejects.toBe(failure);
    expect(calls).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
  });

  test('the jitter takes at most half of each wait', async () => {
    const { policy, waits } = setup({}, { random: 0 });
    const { request } = scripted(httpError(500), httpError(500), 'ok');
    await expect(policy(request, READ)).resolves.toMatchObject({ data: 'ok' });
    expect(waits).toEqual([50, 100]);
  });

  test('a network failure (status 500, no response, or no status at all) is retried', async () => {
    const { policy } = setup();
    const { request, calls } = scripted(networkError(), new TypeError('fetch failed'), 'ok');
    await expect(policy(request, READ)).resolves.toMatchObject({ data: 'ok' });
    expect(calls).toHaveLength(3);
  });

  test('a write is never repeated, even a GET made by a write operation', async () => {
    const { policy, waits } = setup({ idempotent: false });
    const failure = httpError(502);
    const post = scripted(failure, 'created');
    await expect(policy(post.request, WRITE)).rejects.toBe(failure);
    expect(post.calls).toHaveLength(1);
    const get = scripted(networkError(), 'ok');
    await expect(policy(get.request, READ)).rejects.toMatchObject({ status: 500 });
    expect(get.calls).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  test('a backoff that would reach the deadline is not waited', async () => {
    const { policy, waits } = setup({ deadline: NOW + 60 }, { random: 1 });
    const failure = httpError(503);
    await expect(policy(scripted(failure).request, READ)).rejects.toBe(failure);
    expect(waits).toEqual([]);
  });

  test('4xx other than a rate limit, and the deadline itself, are final', async () => {
    for (const failure of [httpError(400), httpError(401), httpError(403), httpError(404), httpError(422)]) {
      const { policy, waits } = setup();
      const { request, calls } = scripted(failure, 'ok');
      await expect(policy(request, READ)).rejects.toBe(failure);
      expect(calls).toHaveLength(1);
      expect(waits).toEqual([]);
    }
    const { policy } = setup();
    const deadline = Object.assign(new DeadlineExceeded(), { status: 500 });
    const { request, calls } = scripted(deadline, 'ok');
    await expect(policy(request, READ)).rejects.toBe(deadline);
    expect(calls).toHaveLength(1);
  });
});

describe('the deadline', () => {
  test('ends a rate-limit wait with DeadlineExceeded', async () => {
    const { policy } = setup({
      clock: undefined,
      signal: AbortSignal.timeout(30),
      deadline: Date.now() + 10_000,
    });
    const { request, calls } = scripted(httpError(429, { 'retry-after': '5' }), 'ok');
    const started = performance.now();
    await expect(policy(request, READ)).rejects.toBeInstanceOf(DeadlineExceeded);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(calls).toHaveLength(1);
  });

  test('sleep resolves after its time, and rejects at once on an aborted signal', async () => {
    const started = performance.now();
    await sleep(20, new AbortController().signal);
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
    await expect(sleep(10, AbortSignal.abort())).rejects.toBeInstanceOf(DeadlineExceeded);
  });
});

/** A promise with its resolve, for holding a fake request open. */
function gate<T = void>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('one person’s writes', () => {
  test('go one at a time; other people’s writes and reads do not wait', async () => {
    const writes = new WriteQueue();
    const { policy } = setup({ writes, userId: 'u1' });
    const { policy: other } = setup({ writes, userId: 'u2' });
    const first = gate<{ status: number }>();
    const started: string[] = [];
    const request = (name: string, answer: Promise<{ status: number }>) => async () => {
      started.push(name);
      return answer;
    };
    const a = policy(request('a', first.promise), WRITE);
    const b = policy(request('b', Promise.resolve({ status: 201 })), { ...WRITE, method: 'PATCH' });
    const c = other(request('c', Promise.resolve({ status: 201 })), WRITE);
    const read = policy(request('read', Promise.resolve({ status: 200 })), READ);
    await Promise.all([c, read]);
    await turn();
    expect(started).toEqual(['a', 'c', 'read']);
    expect(writes.size).toBe(1);
    first.open({ status: 201 });
    await Promise.all([a, b]);
    expect(started).toEqual(['a', 'c', 'read', 'b']);
    await turn();
    expect(writes.size).toBe(0);
  });

  test('a failed write releases the next one', async () => {
    const writes = new WriteQueue();
    const { policy } = setup({ writes, idempotent: false });
    const failure = httpError(502);
    const a = policy(scripted(failure).request, WRITE);
    const b = policy(scripted('created').request, WRITE);
    await expect(a).rejects.toBe(failure);
    await expect(b).resolves.toMatchObject({ data: 'created' });
    await turn();
    expect(writes.size).toBe(0);
  });

  test('a write whose deadline passes while queued fails with DeadlineExceeded, and later ones still wait', async () => {
    const writes = new WriteQueue();
    const { policy } = setup({ writes });
    const timeout = new AbortController();
    const { policy: impatient } = setup({ writes, signal: timeout.signal });
    const first = gate<{ status: number }>();
    const started: string[] = [];
    const write =
      (name: string, answer: Promise<{ status: number }> = Promise.resolve({ status: 201 })) =>
      async () => {
        started.push(name);
        return answer;
      };
    const a = policy(write('a', first.promise), WRITE);
    const b = impatient(write('b'), WRITE);
    timeout.abort();
    await expect(b).rejects.toBeInstanceOf(DeadlineExceeded);
    await turn();
    // b gave up and is last in line: a write queued now must still wait for a.
    const c = policy(write('c'), WRITE);
    await turn();
    expect(started).toEqual(['a']);
    expect(writes.size).toBe(1);
    first.open({ status: 201 });
    await Promise.all([a, c]);
    expect(started).toEqual(['a', 'c']);
    await turn();
    expect(writes.size).toBe(0);
  });
});

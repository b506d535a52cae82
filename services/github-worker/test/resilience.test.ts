import { type RunningGitHubEmulator, startGitHubEmulator } from '@gatehouse/github-emulator';
import { describe, expect, test } from '@gatehouse/testing';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { githubRateLimits } from '../src/github/metrics.ts';
import { caller, createTestWorker, deadlineIn, EmulatorTokenSource, refusal } from './support.ts';

/** How many rate limits of a kind the worker retried (or not) so far, from its /metrics counter. */
async function rateLimitsCounted(kind: string, retried: boolean): Promise<number> {
  const { values } = await githubRateLimits.get();
  return values.find((v) => v.labels.kind === kind && v.labels.retried === String(retried))?.value ?? 0;
}

// Rate limits, retries, deadlines and GitHub failures, made by the emulator's fault injection.
let emulator: RunningGitHubEmulator;
let source: EmulatorTokenSource;

beforeAll(async () => {
  emulator = await startGitHubEmulator();
  source = new EmulatorTokenSource(emulator);
});

afterEach(async () => {
  await emulator.reset({ keepTokens: true });
});

afterAll(async () => {
  await emulator?.close();
});

async function octocat() {
  const who = caller();
  const token = await source.connect(who.userId, 'octocat');
  return { who, token };
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
}

describe('rate limits', () => {
  test("retries a secondary rate limit after GitHub's Retry-After, then succeeds", async () => {
    const worker = createTestWorker(emulator, source);
    const { who, token } = await octocat();
    emulator.configure({ faults: [{ path: '^/user$', status: 429, times: 1, retryAfterSeconds: 1 }] });
    const counted = await rateLimitsCounted('secondary', true);
    const { value: viewer, ms } = await timed(worker.call.getViewer({ caller: who }));
    expect(await rateLimitsCounted('secondary', true)).toBe(counted + 1);
    expect(viewer.login).toBe('octocat');
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(emulator.state.config.faults).toEqual([]);
    const logged = worker.logs.lines().find((line) => line.msg === 'GitHub rate limit');
    expect(logged).toMatchObject({ retryAfterSeconds: 1, retryCount: 0, retrying: true });
    expect(worker.logs.text()).not.toContain(token.accessToken);
  });

  test('reports a persistent secondary rate limit as rate_limited with the retry-after, without waiting past the deadline', async () => {
    const worker = createTestWorker(emulator, source);
    const { who, token } = await octocat();
    emulator.configure({ faults: [{ path: '^/user$', status: 403, retryAfterSeconds: 30 }] });
    const { value: error, ms } = await timed(refusal(worker.call.getViewer({ caller: who }), 'rate_limited'));
    expect(error.description).toBe('GitHub rate limit reached; retry after 30 s');
    expect(error.retryAfterSeconds).toBe(30);
    expect(ms).toBeLessThan(900);
    expect(worker.logs.lines().find((line) => line.msg === 'GitHub rate limit')).toMatchObject({
      retrying: false,
    });
    expect(`${error.description} ${error.reason}`).not.toContain(token.accessToken);
  });

  test('gives up after GITHUB_MAX_RETRIES retries even when more would fit', async () => {
    const worker = createTestWorker(emulator, source, { maxRetries: 1 });
    const { who } = await octocat();
    emulator.configure({ faults: [{ path: '^/user$', status: 429, times: 5, retryAfterSeconds: 1 }] });
    const error = await refusal(worker.call.getViewer({ caller: who }, deadlineIn(10_000)), 'rate_limited');
    expect(error.retryAfterSeconds).toBe(1);
    expect(emulator.state.config.faults[0]?.times).toBe(3);
  });

  test('reports an exhausted primary rate limit with the seconds until GitHub resets it', async () => {
    const worker = createTestWorker(emulator, source);
    const { who } = await octocat();
    emulator.configure({ rateLimit: { limit: 1, windowSeconds: 600 } });
    await worker.call.getRepository({ caller: who, owner: 'octocat', repo: 'gatehouse-demo' });
    const error = await refusal(
      worker.call.getRepository({ caller: who, owner: 'octocat', repo: 'gatehouse-demo' }),
      'rate_limited',
    );
    expect(error.retryAfterSeconds).toBeGreaterThan(590);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(601);
    expect(error.description).toBe(`GitHub rate limit reached; retry after ${error.retryAfterSeconds} s`);
  });
});

describe('deadlines', () => {
  test('answers unavailable at the caller’s deadline when GitHub is slower', async () => {
    const worker = createTestWorker(emulator, source);
    const { who } = await octocat();
    emulator.configure({ latencyMs: 2_000 });
    const { value: error, ms } = await timed(
      refusal(worker.call.getViewer({ caller: who }, deadlineIn(300)), 'unavailable'),
    );
    expect(error.description).toBe('GitHub did not answer in time; try again shortly');
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(800);
  });

  test('GITHUB_REQUEST_TIMEOUT bounds a call even when the caller would wait longer', async () => {
    const worker = createTestWorker(emulator, source, { requestTimeoutMs: 300 });
    const { who } = await octocat();
    emulator.configure({ latencyMs: 2_000 });
    const { ms } = await timed(
      refusal(worker.call.getViewer({ caller: who }, deadlineIn(10_000)), 'unavailable'),
    );
    expect(ms).toBeLessThan(800);
  });

  test('a write that times out says it may or may not have happened', async () => {
    const worker = createTestWorker(emulator, source);
    const { who } = await octocat();
    emulator.configure({ latencyMs: 2_000 });
    const error = await refusal(
      worker.call.createIssue(
        { caller: who, owner: 'octocat', repo: 'gatehouse-demo', title: 'slow' },
        deadlineIn(300),
      ),
      'unavailable',
    );
    expect(error.description).toBe(
      'GitHub did not answer in time while creating the issue; it may or may not have happened, so check before trying again',
    );
  });
});

describe('GitHub failures', () => {
  test('retries a 5xx on a read, then succeeds', async () => {
    const worker = createTestWorker(emulator, source);
    const { who } = await octocat();
    emulator.configure({ faults: [{ path: '^/repos/octocat/gatehouse-demo$', status: 502, times: 1 }] });
    const repo = await worker.call.getRepository({ caller: who, owner: 'octocat', repo: 'gatehouse-demo' });
    expect(repo.fullName).toBe('octocat/gatehouse-demo');
    expect(emulator.state.config.faults).toEqual([]);
  });

  test('answers unavailable when GitHub keeps failing', async () => {
    const worker = createTestWorker(emulator, source, { maxRetries: 1 });
    const { who } = await octocat();
    emulator.configure({ faults: [{ path: '^/repos/', status: 503 }] });
    const error = await refusal(
      worker.call.getRepository({ caller: who, owner: 'octocat', repo: 'gatehouse-demo' }),
      'unavailable',
    );
    expect(error.description).toBe('GitHub is not available right now; try again shortly');
    expect(error.reason).toMatch(/→ 503/);
  });

  test('never repeats a write after a 5xx, and says the outcome is unknown', async () => {
    const worker = createTestWorker(emulator, source);
    const { who } = await octocat();
    emulator.configure({
      faults: [{ path: '^/repos/octocat/gatehouse-demo/issues$', method: 'POST', status: 502, times: 2 }],
    });
    const error = await refusal(
      worker.call.createIssue({ caller: who, owner: 'octocat', repo: 'gatehouse-demo', title: 'once' }),
      'unavailable',
    );
    expect(error.description).toBe(
      'GitHub is not available right now while creating the issue; it may or may not have happened, so check before trying again',
    );
    expect(emulator.state.config.faults[0]?.times).toBe(1);
  });

  test('answers unavailable when GitHub cannot be reached', async () => {
    const unreachable = await startGitHubEmulator();
    await unreachable.close();
    const worker = createTestWorker(unreachable, source, { maxRetries: 0 });
    const { who } = await octocat();
    const error = await refusal(worker.call.getViewer({ caller: who }), 'unavailable');
    expect(error.description).toBe('GitHub could not be reached; try again shortly');
  });
});

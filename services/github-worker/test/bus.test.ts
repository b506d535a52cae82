import { Bus, BusError, eventStreamName, subjectOf } from '@gatehouse/bus';
import { type RunningGitHubEmulator, startGitHubEmulator } from '@gatehouse/github-emulator';
import { createLogger } from '@gatehouse/logging';
import { github } from '@gatehouse/proto';
import { describe, expect, type RunningService, startService, test } from '@gatehouse/testing';
import { afterAll, beforeAll } from 'vitest';
import { forgetTokensOnEvents } from '../src/bus/token-invalidation.ts';
import { CachedUpstreamTokens, type UpstreamToken } from '../src/upstream-tokens.ts';

// The worker as a process on real NATS: what callers see on the wire. Identity is not running on
// this file's subject prefix, so only answers that need no upstream token are checked here;
// identity.test.ts runs the real identity service.
const logger = createLogger({ service: 'github-worker-test', level: 'silent' });
let emulator: RunningGitHubEmulator;
let client: Bus;
const workers: RunningService[] = [];

beforeAll(async () => {
  emulator = await startGitHubEmulator();
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  if (client) {
    // Each stream reserves its max_bytes on the shared NATS server: leave none behind.
    const jsm = await client.jetstreamManager();
    await jsm.streams.delete(eventStreamName(client.prefix)).catch(() => false);
    await client.drain();
  }
  await emulator?.close();
});

const caller = { userId: 'user-1', grantId: 'grant-1', clientId: 'client-1' };

async function failure(promise: Promise<unknown>): Promise<BusError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(BusError);
  return error as BusError;
}

describe('github-worker on the bus', () => {
  test('boots, and refuses invalid input with invalid_request and the exact reason', async ({
    infrastructure,
    isolation,
  }) => {
    const env = {
      NATS_URL: infrastructure.natsUrl,
      NATS_SUBJECT_PREFIX: isolation.natsPrefix,
      GITHUB_API_URL: emulator.apiUrl,
    };
    workers.push(
      ...(await Promise.all([startService('github-worker', env), startService('github-worker', env)])),
    );
    client = await Bus.connect({
      url: infrastructure.natsUrl,
      prefix: isolation.natsPrefix,
      service: 'test',
      logger,
    });

    const error = await failure(
      client.request(github.GitHubService.method.createPullRequest, {
        caller,
        owner: 'octocat',
        repo: 'hello',
        title: 'x',
        head: 'feature..x',
        base: 'main',
      }),
    );
    expect(error).toMatchObject({
      code: 'invalid_request',
      httpStatus: 400,
      retryable: false,
      description: 'head is not a valid branch name: it contains ".."',
    });
  });

  test('answers unavailable, retryable, when identity cannot hand over the GitHub token', async () => {
    const error = await failure(
      client.request(github.GitHubService.method.getViewer, { caller }, { timeoutMs: 2_000 }),
    );
    expect(error).toMatchObject({
      code: 'unavailable',
      httpStatus: 503,
      retryable: true,
      description: 'Your GitHub connection could not be read right now; try again shortly',
    });
  });

  test('replicas share the requests (one queue group) and each request is answered once', async () => {
    const requests = 24;
    // Only this test's subject is counted: earlier tests' log lines may still be in flight.
    const subject = subjectOf(github.GitHubService.method.getRepository);
    const before = workers.map((worker) => refusals(worker, subject));
    const answers = await Promise.all(
      Array.from({ length: requests }, () =>
        failure(client.request(github.GitHubService.method.getRepository, { caller, owner: '', repo: 'x' })),
      ),
    );
    expect(answers.every((error) => error.description === 'owner is required')).toBe(true);
    await expect
      .poll(() => workers.reduce((sum, worker, index) => sum + refusals(worker, subject) - before[index]!, 0))
      .toBe(requests);
    for (const [index, worker] of workers.entries())
      expect(refusals(worker, subject) - before[index]!).toBeGreaterThan(0);
  });
});

/** Requests on `subject` a worker refused so far, from the bus's `request refused` log line. */
function refusals(worker: RunningService, subject: string): number {
  return worker.logs.filter((line) => line.msg === 'request refused' && line.subject === subject).length;
}

describe('cached GitHub tokens', () => {
  test('are dropped on every replica when the grant is revoked or identity refreshes the token', async ({
    infrastructure,
    isolation,
  }) => {
    const replica = await Bus.connect({
      url: infrastructure.natsUrl,
      prefix: isolation.natsPrefix,
      service: 'github-worker',
      logger,
    });
    const publisher = await Bus.connect({
      url: infrastructure.natsUrl,
      prefix: isolation.natsPrefix,
      service: 'token',
      logger,
    });
    const token: UpstreamToken = {
      accessToken: 'gho_cachedcachedcachedcachedcached0000',
      expiresAt: undefined,
    };
    const tokens = new CachedUpstreamTokens(
      { get: async () => token, refresh: async () => token },
      { ttlMs: 60_000, maxEntries: 10 },
    );
    forgetTokensOnEvents(replica, tokens, logger);
    await replica.nc.flush();

    for (const type of ['token.grant.revoked', 'identity.upstream_token.refreshed'] as const) {
      await tokens.get('user-7', Number.MAX_SAFE_INTEGER);
      await tokens.get('user-8', Number.MAX_SAFE_INTEGER);
      expect(tokens.size).toBe(2);
      await publisher.events.publish({ type, outcome: 'success', actor: { userId: 'user-7' } });
      await expect.poll(() => tokens.size, { timeout: 1_000 }).toBe(1);
      tokens.forget('user-8');
    }
    await publisher.drain();
    await replica.drain();
  });
});

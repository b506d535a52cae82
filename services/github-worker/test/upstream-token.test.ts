import { type RunningGitHubEmulator, startGitHubEmulator } from '@gatehouse/github-emulator';
import { describe, expect, test } from '@gatehouse/testing';
import { afterAll, beforeAll } from 'vitest';
import { caller, createTestWorker, deadlineIn, EmulatorTokenSource, refusal } from './support.ts';

// The worker's handling of the person's GitHub token through the upstream-token port: caching,
// refresh on GitHub's 401 (tokens the emulator expired), and the "reconnect GitHub" answer.
let emulator: RunningGitHubEmulator;

beforeAll(async () => {
  emulator = await startGitHubEmulator();
});

afterAll(async () => {
  await emulator?.close();
});

const masked = (token: string) => `${token.slice(0, 4)}…${token.slice(-4)}`;

describe('the upstream token', () => {
  test('is fetched once and reused for a burst of calls', async () => {
    const source = new EmulatorTokenSource(emulator);
    const worker = createTestWorker(emulator, source);
    const who = caller();
    await source.connect(who.userId, 'octocat');
    for (let i = 0; i < 3; i++)
      await worker.call.getRepository({ caller: who, owner: 'octocat', repo: 'Hello-World' });
    expect(source.gets).toBe(1);
  });

  test('is refreshed transparently when GitHub answers 401, and the call succeeds', async () => {
    const source = new EmulatorTokenSource(emulator);
    const worker = createTestWorker(emulator, source);
    const who = caller();
    const dead = await source.connect(who.userId, 'octocat');
    emulator.expireToken(dead.accessToken);
    const viewer = await worker.call.getViewer({ caller: who });
    expect(viewer.login).toBe('octocat');
    expect(source.refreshes).toBe(1);
    const fresh = await source.get(who.userId);
    expect(fresh.accessToken).not.toBe(dead.accessToken);
    expect(viewer.maskedToken).toBe(masked(fresh.accessToken));
  });

  test('is refreshed once for many calls that hit 401 at the same time', async () => {
    const source = new EmulatorTokenSource(emulator);
    const worker = createTestWorker(emulator, source);
    const who = caller();
    await worker.call.getRepository({ caller: who, owner: 'octocat', repo: 'Hello-World' }).catch(() => {});
    const dead = await source.connect(who.userId, 'octocat');
    emulator.expireToken(dead.accessToken);
    const replies = await Promise.all(
      Array.from({ length: 6 }, () =>
        worker.call.getRepository({ caller: who, owner: 'octocat', repo: 'Hello-World' }),
      ),
    );
    expect(replies.every((repo) => repo.fullName === 'octocat/Hello-World')).toBe(true);
    expect(source.refreshes).toBe(1);
  });

  test('is refreshed before the call when identity hands over one about to expire', async () => {
    const source = new EmulatorTokenSource(emulator);
    const worker = createTestWorker(emulator, source);
    const who = caller();
    const expiring = await source.connect(who.userId, 'octocat', { expiresIn: 10 });
    const viewer = await worker.call.getViewer({ caller: who });
    expect(source.refreshes).toBe(1);
    expect(viewer.maskedToken).not.toBe(masked(expiring.accessToken));
  });

  test('answers unavailable at the deadline when the token source does not answer, naming the connection, not GitHub', async () => {
    const silent = { get: () => new Promise<never>(() => {}), refresh: () => new Promise<never>(() => {}) };
    const worker = createTestWorker(emulator, silent);
    const error = await refusal(worker.call.getViewer({ caller: caller() }, deadlineIn(200)), 'unavailable');
    expect(error.description).toBe('Your GitHub connection could not be read in time; try again shortly');
  });

  test('a write refused with 401 is made once, with the refreshed token', async () => {
    const source = new EmulatorTokenSource(emulator);
    const worker = createTestWorker(emulator, source);
    const who = caller();
    const dead = await source.connect(who.userId, 'octocat');
    emulator.expireToken(dead.accessToken);
    const repo = emulator.state.store.repo('octocat', 'gatehouse-demo')!;
    const before = repo.issues.length;
    const issue = await worker.call.createIssue({
      caller: who,
      owner: 'octocat',
      repo: 'gatehouse-demo',
      title: 'After a refresh',
    });
    expect(issue.title).toBe('After a refresh');
    expect(repo.issues.length).toBe(before + 1);
  });
});

describe('reconnect GitHub', () => {
  const RECONNECT = 'GitHub no longer accepts this connection; reconnect GitHub';

  test('is the answer when the refresh fails, and nothing is kept for the person', async () => {
    const source = new EmulatorTokenSource(emulator);
    const worker = createTestWorker(emulator, source);
    const who = caller();
    const dead = await source.connect(who.userId, 'octocat');
    emulator.expireToken(dead.accessToken);
    source.onRefresh = 'reconnect';
    const error = await refusal(worker.call.getViewer({ caller: who }), 'invalid_grant');
    expect(error.description).toBe(RECONNECT);
    // The next call asks the source again instead of replaying the dead token from the cache.
    await refusal(worker.call.getViewer({ caller: who }), 'invalid_grant');
    expect(source.gets).toBe(2);
  });

  test('is the answer when GitHub refuses even the refreshed token', async () => {
    const source = new EmulatorTokenSource(emulator);
    const worker = createTestWorker(emulator, source);
    const who = caller();
    const dead = await source.connect(who.userId, 'octocat');
    emulator.expireToken(dead.accessToken);
    source.onRefresh = 'unknown-to-github';
    const error = await refusal(
      worker.call.getRepository({ caller: who, owner: 'octocat', repo: 'Hello-World' }),
      'invalid_grant',
    );
    expect(error.description).toBe(RECONNECT);
    expect(error.reason).toMatch(/→ 401 .*Bad credentials$/);
    expect(source.refreshes).toBe(1);
    expect(worker.tokens.size).toBe(0);
  });

  test('is the answer when the person has no GitHub connection at all', async () => {
    const source = new EmulatorTokenSource(emulator);
    const worker = createTestWorker(emulator, source);
    const error = await refusal(worker.call.getViewer({ caller: caller() }), 'invalid_grant');
    expect(error.description).toBe(RECONNECT);
  });
});

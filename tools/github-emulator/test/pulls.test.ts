import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningGitHubEmulator, startGitHubEmulator } from '../src/index.ts';
import { octokit, requestError } from './helpers.ts';

let emulator: RunningGitHubEmulator;
let octocat: string;
const demo = { owner: 'octocat', repo: 'gatehouse-demo' };

beforeAll(async () => {
  emulator = await startGitHubEmulator();
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.reset();
  octocat = emulator.mintToken({ login: 'octocat', scopes: ['repo'] });
});

/** A fresh client per write: the throttling plugin spaces writes 1 s apart per client. */
function createPull(
  params: { head: string; base: string; title?: string; draft?: boolean },
  token = octocat,
) {
  const { client } = octokit(emulator.apiUrl, token);
  return client.rest.pulls.create({ ...demo, title: 'Fix the typo', ...params });
}

describe('POST /repos/{owner}/{repo}/pulls', () => {
  it('opens a pull request that also takes the next issue number', async () => {
    const { data, status } = await createPull({ head: 'docs-typo', base: 'main', draft: true });
    expect(status).toBe(201);
    const branch = emulator.state.store
      .repo('octocat', 'gatehouse-demo')!
      .branches.find((b) => b.name === 'docs-typo')!;
    expect(data).toMatchObject({
      number: 9,
      state: 'open',
      draft: true,
      merged: false,
      user: { login: 'octocat' },
      head: {
        ref: 'docs-typo',
        label: 'octocat:docs-typo',
        sha: branch.sha,
        repo: { full_name: 'octocat/gatehouse-demo' },
      },
      base: { ref: 'main' },
      html_url: `${emulator.url}/octocat/gatehouse-demo/pull/9`,
    });
    const { client } = octokit(emulator.apiUrl, octocat);
    const asIssue = await client.rest.issues.get({ ...demo, issue_number: 9 });
    expect(asIssue.data.pull_request?.url).toBe(data.url);
    const listed = await client.rest.pulls.list({ ...demo });
    expect(listed.data.map((pull) => pull.number)).toEqual([9, 4]);
  });

  it('accepts head as owner:branch', async () => {
    const { data } = await createPull({ head: 'octocat:docs-typo', base: 'main' });
    expect(data.head.ref).toBe('docs-typo');
  });

  it('answers 422 when head or base does not exist', async () => {
    const head = await requestError(createPull({ head: 'no-such-branch', base: 'main' }));
    expect(head.status).toBe(422);
    expect(head.response?.data).toMatchObject({
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }],
    });
    const base = await requestError(createPull({ head: 'docs-typo', base: 'no-such-base' }));
    expect(base.response?.data).toMatchObject({
      errors: [{ resource: 'PullRequest', field: 'base', code: 'invalid' }],
    });
  });

  it('answers 422 No commits between when head has nothing ahead', async () => {
    const error = await requestError(createPull({ head: 'stale', base: 'main' }));
    expect(error.status).toBe(422);
    expect(error.response?.data).toMatchObject({
      errors: [{ resource: 'PullRequest', code: 'custom', message: 'No commits between main and stale' }],
    });
    expect(error.message).toContain('No commits between main and stale');
  });

  it('answers 422 when an open pull request already exists for the head', async () => {
    const error = await requestError(createPull({ head: 'feature-x', base: 'main' }));
    expect(error.status).toBe(422);
    expect(error.message).toContain('A pull request already exists for octocat:feature-x.');
  });

  it('answers 422 listing every missing field', async () => {
    const { client } = octokit(emulator.apiUrl, octocat);
    const error = await requestError(
      client.request('POST /repos/{owner}/{repo}/pulls', { ...demo } as never),
    );
    expect(error.response?.data).toMatchObject({
      errors: ['title', 'head', 'base'].map((field) => ({
        resource: 'PullRequest',
        code: 'missing_field',
        field,
      })),
    });
  });

  it('lets collaborators open pull requests but not people without push access', async () => {
    const hubot = emulator.mintToken({ login: 'hubot', scopes: ['public_repo'] });
    expect((await createPull({ head: 'docs-typo', base: 'main' }, hubot)).data.user?.login).toBe('hubot');
    const monalisa = emulator.mintToken({ login: 'monalisa', scopes: ['repo'] });
    const error = await requestError(createPull({ head: 'feature-x', base: 'stale' }, monalisa));
    expect(error.status).toBe(403);
  });
});

describe('GET /repos/{owner}/{repo}/pulls/{number}', () => {
  it('returns seeded pull requests, merged ones included', async () => {
    const { client } = octokit(emulator.apiUrl, octocat);
    const merged = await client.rest.pulls.get({ ...demo, pull_number: 7 });
    expect(merged.data).toMatchObject({ state: 'closed', merged: true, head: { ref: 'fix-flaky-test' } });
    expect(merged.data.merged_at).toBeTruthy();
    const notPull = await requestError(client.rest.pulls.get({ ...demo, pull_number: 1 }));
    expect(notPull.status).toBe(404);
  });
});

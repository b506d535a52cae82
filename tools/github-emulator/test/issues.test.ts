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

const client = (token = octocat) => octokit(emulator.apiUrl, token).client;

describe('GET /repos/{owner}/{repo}/issues', () => {
  it('lists open issues and pull requests, newest first, pull requests marked', async () => {
    const { data } = await client().rest.issues.listForRepo(demo);
    expect(data.map((issue) => issue.number)).toEqual([6, 5, 4, 2, 1]);
    const pull = data.find((issue) => issue.number === 4)!;
    expect(pull.pull_request).toMatchObject({
      url: `${emulator.apiUrl}/repos/octocat/gatehouse-demo/pulls/4`,
    });
    expect(data.find((issue) => issue.number === 1)!.pull_request).toBeUndefined();
  });

  it('filters by state, labels, assignee and creator', async () => {
    const numbers = async (params: Record<string, string>) =>
      (await client().rest.issues.listForRepo({ ...demo, ...params })).data.map((issue) => issue.number);
    expect(await numbers({ state: 'closed' })).toEqual([8, 7, 3]);
    expect(await numbers({ state: 'all', labels: 'bug' })).toEqual([6, 1]);
    expect(await numbers({ labels: 'bug,good first issue' })).toEqual([6]);
    expect(await numbers({ assignee: 'octocat' })).toEqual([1]);
    expect(await numbers({ assignee: 'none' })).toEqual([5, 4, 2]);
    expect(await numbers({ assignee: '*' })).toEqual([6, 1]);
    expect(await numbers({ creator: 'hubot', state: 'all' })).toEqual([7, 6, 2]);
  });

  it('sorts and paginates', async () => {
    const { data, headers } = await client().rest.issues.listForRepo({
      ...demo,
      state: 'all',
      sort: 'created',
      direction: 'asc',
      per_page: 3,
      page: 2,
    });
    expect(data.map((issue) => issue.number)).toEqual([4, 5, 6]);
    expect(headers.link).toContain('rel="next"');
    const byComments = await client().rest.issues.listForRepo({ ...demo, sort: 'comments' });
    expect(byComments.data[0]!.number).toBe(1);
  });

  it('gets one issue, and a pull request through the issues API', async () => {
    const { data } = await client().rest.issues.get({ ...demo, issue_number: 1 });
    expect(data).toMatchObject({
      number: 1,
      title: 'Login button does nothing on Safari',
      state: 'open',
      user: { login: 'monalisa' },
      assignees: [{ login: 'octocat' }],
      labels: [{ name: 'bug', color: 'd73a4a' }],
      author_association: 'NONE',
      html_url: `${emulator.url}/octocat/gatehouse-demo/issues/1`,
    });
    const pull = await client().rest.issues.get({ ...demo, issue_number: 4 });
    expect(pull.data.pull_request).toBeDefined();
    expect(pull.data.author_association).toBe('OWNER');
    const missing = await requestError(client().rest.issues.get({ ...demo, issue_number: 999 }));
    expect(missing.status).toBe(404);
  });

  it('answers 410 when the repository has issues turned off', async () => {
    const error = await requestError(
      client().rest.issues.listForRepo({ owner: 'octocat', repo: 'no-issues' }),
    );
    expect(error.status).toBe(410);
    expect(error.message).toContain('Issues are disabled for this repo');
  });
});

describe('POST /repos/{owner}/{repo}/issues', () => {
  it('creates an issue with the next number shared with pull requests', async () => {
    const { data, status, headers } = await client().rest.issues.create({
      ...demo,
      title: 'Crash on start',
      body: 'Stack trace attached.',
      labels: ['BUG', 'needs-triage'],
      assignees: ['hubot'],
    });
    expect(status).toBe(201);
    expect(data).toMatchObject({
      number: 9,
      title: 'Crash on start',
      body: 'Stack trace attached.',
      state: 'open',
    });
    expect(headers.location).toBe(`${emulator.apiUrl}/repos/octocat/gatehouse-demo/issues/9`);
    // Existing labels match case-insensitively; unknown ones are created, as on GitHub.
    expect(data.labels.map((label) => (typeof label === 'string' ? label : label.name))).toEqual([
      'bug',
      'needs-triage',
    ]);
    expect(data.assignees?.map((user) => user.login)).toEqual(['hubot']);
    const fetched = await client().rest.issues.get({ ...demo, issue_number: 9 });
    expect(fetched.data.user?.login).toBe('octocat');
  });

  it('drops labels and assignees from users without push access', async () => {
    const monalisa = emulator.mintToken({ login: 'monalisa', scopes: ['public_repo'] });
    const { data } = await client(monalisa).rest.issues.create({
      ...demo,
      title: 'Outside contribution',
      labels: ['bug'],
      assignees: ['octocat'],
    });
    expect(data.user?.login).toBe('monalisa');
    expect(data.labels).toEqual([]);
    expect(data.assignees).toEqual([]);
  });

  it('answers 422 Validation Failed without a title', async () => {
    const error = await requestError(
      client().request('POST /repos/{owner}/{repo}/issues', { ...demo, body: 'no title' } as never),
    );
    expect(error.status).toBe(422);
    // Octokit builds its message from GitHub's body: message, errors, documentation_url.
    expect(error.message).toBe(
      'Validation Failed: {"resource":"Issue","code":"missing_field","field":"title"} - ' +
        'https://docs.github.com/rest/issues/issues#create-an-issue',
    );
    expect(error.response?.data).toMatchObject({
      message: 'Validation Failed',
      errors: [{ resource: 'Issue', code: 'missing_field', field: 'title' }],
      documentation_url: 'https://docs.github.com/rest/issues/issues#create-an-issue',
    });
  });

  it('answers 422 for an assignee without push access', async () => {
    const error = await requestError(
      client().rest.issues.create({ ...demo, title: 'x', assignees: ['monalisa'] }),
    );
    expect(error.status).toBe(422);
    expect(error.response?.data).toMatchObject({
      errors: [{ resource: 'Issue', code: 'invalid', field: 'assignees', value: 'monalisa' }],
    });
  });

  it('needs public_repo or repo to write to a public repository', async () => {
    const readOnly = emulator.mintToken({ login: 'octocat', scopes: ['read:user'] });
    const error = await requestError(client(readOnly).rest.issues.create({ ...demo, title: 'x' }));
    expect(error.status).toBe(403);
    expect(error.message).toContain('Resource not accessible by integration');
    expect(error.response?.headers['x-accepted-oauth-scopes']).toBe('public_repo, repo');
    const publicRepo = emulator.mintToken({ login: 'octocat', scopes: ['public_repo'] });
    expect((await client(publicRepo).rest.issues.create({ ...demo, title: 'x' })).status).toBe(201);
  });

  it('needs repo to write to a private repository, and hides it otherwise', async () => {
    const publicRepo = emulator.mintToken({ login: 'octocat', scopes: ['public_repo'] });
    const hidden = await requestError(
      client(publicRepo).rest.issues.create({ owner: 'octocat', repo: 'secret-plans', title: 'x' }),
    );
    expect(hidden.status).toBe(404);
    const created = await client().rest.issues.create({ owner: 'octocat', repo: 'secret-plans', title: 'x' });
    expect(created.data.number).toBe(3);
  });

  it('refuses writes to archived repositories and anonymous writes', async () => {
    const archived = await requestError(
      client().rest.issues.create({ owner: 'octocat', repo: 'archived-experiment', title: 'x' }),
    );
    expect(archived.status).toBe(403);
    expect(archived.message).toContain('Repository was archived so is read-only.');
    const anonymous = await requestError(
      octokit(emulator.apiUrl).client.rest.issues.create({ ...demo, title: 'x' }),
    );
    expect(anonymous.status).toBe(401);
  });
});

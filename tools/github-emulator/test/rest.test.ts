import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningGitHubEmulator, startGitHubEmulator } from '../src/index.ts';
import { octokit, requestError } from './helpers.ts';

let emulator: RunningGitHubEmulator;
let octocat: string;

beforeAll(async () => {
  emulator = await startGitHubEmulator();
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.reset();
  octocat = emulator.mintToken({ login: 'octocat', scopes: ['repo', 'read:org'] });
});

function api(path: string, token?: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${emulator.apiUrl}${path}`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
}

/** Repositories a user reaches as owner, collaborator or org member, computed from the seed. */
function reposVisibleTo(login: string): string[] {
  const { store } = emulator.state;
  const memberOf = (owner: string) =>
    store.organizations().some((org) => org.login === owner && org.members.includes(login));
  return store
    .repos()
    .filter((repo) => repo.owner === login || repo.collaborators.includes(login) || memberOf(repo.owner))
    .map((repo) => `${repo.owner}/${repo.name}`);
}

describe('GET /user', () => {
  it('returns the token owner with GitHub headers', async () => {
    const { client } = octokit(emulator.apiUrl, octocat);
    const { data, headers } = await client.rest.users.getAuthenticated();
    expect(data).toMatchObject({ login: 'octocat', id: 583231, type: 'User', name: 'The Octocat' });
    expect(data.node_id).toBe('MDQ6VXNlcjU4MzIzMQ==');
    expect(headers['x-oauth-scopes']).toBe('repo, read:org');
    expect(headers['x-github-request-id']).toMatch(/^[0-9A-F]{4}(:[0-9A-F]+){4}$/);
    expect(headers['x-ratelimit-limit']).toBe('5000');
    expect(headers['x-ratelimit-remaining']).toBe('4999');
    expect(headers['x-ratelimit-resource']).toBe('core');
  });

  it('accepts the `token` scheme as well as `Bearer`', async () => {
    const response = await fetch(`${emulator.apiUrl}/user`, {
      headers: { authorization: `token ${octocat}` },
    });
    expect(response.status).toBe(200);
  });

  it('answers 401 Bad credentials for an unknown token', async () => {
    const { client } = octokit(emulator.apiUrl, 'gho_notarealtoken000000000000000000000000');
    const error = await requestError(client.rest.users.getAuthenticated());
    expect(error.status).toBe(401);
    expect(error.message).toContain('Bad credentials');
  });

  it('answers 401 Requires authentication without a token', async () => {
    const response = await api('/user');
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ message: 'Requires authentication' });
  });
});

describe('GET /user/repos', () => {
  it('pages through every repository with octokit.paginate', async () => {
    const { client } = octokit(emulator.apiUrl, octocat);
    const repos = await client.paginate(client.rest.repos.listForAuthenticatedUser, { per_page: 7 });
    const expected = reposVisibleTo('octocat');
    expect(expected.length).toBeGreaterThan(30);
    expect(expected).toEqual(
      expect.arrayContaining(['monalisa/portfolio', 'octo-org/platform', 'octocat/diary']),
    );
    expect(repos.map((repo) => repo.full_name).sort()).toEqual([...expected].sort());
    // Default order is full_name ascending, case-insensitively.
    const names = repos.map((repo) => repo.full_name.toLowerCase());
    expect(names).toEqual([...names].sort());
  });

  it('writes the Link header exactly as GitHub does', async () => {
    const total = reposVisibleTo('octocat').length;
    const last = Math.ceil(total / 10);
    const base = `${emulator.apiUrl}/user/repos?per_page=10`;

    const first = await api('/user/repos?per_page=10', octocat);
    expect(first.headers.get('link')).toBe(
      `<${base}&page=2>; rel="next", <${base}&page=${last}>; rel="last"`,
    );

    const middle = await api('/user/repos?per_page=10&page=2', octocat);
    expect(middle.headers.get('link')).toBe(
      `<${base}&page=1>; rel="prev", <${base}&page=3>; rel="next", ` +
        `<${base}&page=${last}>; rel="last", <${base}&page=1>; rel="first"`,
    );

    const end = await api(`/user/repos?per_page=10&page=${last}`, octocat);
    expect(end.headers.get('link')).toBe(
      `<${base}&page=${last - 1}>; rel="prev", <${base}&page=1>; rel="first"`,
    );
    expect(((await end.json()) as unknown[]).length).toBe(total - (last - 1) * 10);
  });

  it('omits Link when everything fits on one page', async () => {
    const response = await api('/user/repos?per_page=100', octocat);
    expect(response.headers.get('link')).toBeNull();
  });

  it('filters by visibility and affiliation and sorts', async () => {
    const { client } = octokit(emulator.apiUrl, octocat);
    const orgRepos = await client.rest.repos.listForAuthenticatedUser({ affiliation: 'organization_member' });
    expect(orgRepos.data.map((repo) => repo.full_name).sort()).toEqual([
      'octo-org/platform',
      'octo-org/roadmap',
      'octo-org/website',
    ]);
    const privateRepos = await client.rest.repos.listForAuthenticatedUser({
      visibility: 'private',
      per_page: 100,
    });
    expect(privateRepos.data.length).toBeGreaterThan(0);
    expect(privateRepos.data.every((repo) => repo.private && repo.visibility === 'private')).toBe(true);
    const pushed = await client.rest.repos.listForAuthenticatedUser({ sort: 'pushed', per_page: 100 });
    const dates = pushed.data.map((repo) => repo.pushed_at ?? '');
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it('refuses `type` combined with `visibility` with a 422', async () => {
    const response = await api('/user/repos?type=owner&visibility=public', octocat);
    expect(response.status).toBe(422);
  });

  it('lists only public repositories for a token without the repo scope', async () => {
    const publicOnly = emulator.mintToken({ login: 'octocat', scopes: ['public_repo'] });
    const { client } = octokit(emulator.apiUrl, publicOnly);
    const repos = await client.paginate(client.rest.repos.listForAuthenticatedUser, { per_page: 100 });
    expect(repos.length).toBeGreaterThan(0);
    expect(repos.some((repo) => repo.private)).toBe(false);
  });
});

describe('GET /repos/{owner}/{repo}', () => {
  it('returns the repository in GitHub’s shape', async () => {
    const { client } = octokit(emulator.apiUrl, octocat);
    const { data, headers } = await client.rest.repos.get({ owner: 'octocat', repo: 'gatehouse-demo' });
    expect(data).toMatchObject({
      name: 'gatehouse-demo',
      full_name: 'octocat/gatehouse-demo',
      private: false,
      visibility: 'public',
      owner: { login: 'octocat', id: 583231, type: 'User' },
      html_url: `${emulator.url}/octocat/gatehouse-demo`,
      default_branch: 'main',
      language: 'TypeScript',
      permissions: { admin: true, push: true, pull: true },
    });
    // Open issues plus open pull requests, as GitHub counts them.
    expect(data.open_issues_count).toBe(5);
    expect(headers['x-accepted-oauth-scopes']).toBe('repo');
  });

  it('includes the organization for org-owned repositories', async () => {
    const { client } = octokit(emulator.apiUrl, octocat);
    const { data } = await client.rest.repos.get({ owner: 'octo-org', repo: 'platform' });
    expect(data.organization).toMatchObject({ login: 'octo-org', type: 'Organization' });
    expect(data.owner.type).toBe('Organization');
  });

  it('matches owner and name case-insensitively and allows dots', async () => {
    const { client } = octokit(emulator.apiUrl, octocat);
    const { data } = await client.rest.repos.get({ owner: 'OctoCat', repo: 'octocat.github.io' });
    expect(data.full_name).toBe('octocat/octocat.github.io');
  });

  it('is also served under /api/v3 like GitHub Enterprise Server, with links to match', async () => {
    const { client } = octokit(`${emulator.url}/api/v3`, octocat);
    const { data } = await client.rest.repos.get({ owner: 'octocat', repo: 'Hello-World' });
    expect(data.url).toBe(`${emulator.url}/api/v3/repos/octocat/Hello-World`);
    const page = await fetch(`${emulator.url}/api/v3/user/repos?per_page=5`, {
      headers: { authorization: `Bearer ${octocat}` },
    });
    expect(page.headers.get('link')).toContain(`<${emulator.url}/api/v3/user/repos?per_page=5&page=2>`);
  });

  it('answers 404 Not Found for a missing repository', async () => {
    const { client } = octokit(emulator.apiUrl, octocat);
    const error = await requestError(client.rest.repos.get({ owner: 'octocat', repo: 'does-not-exist' }));
    expect(error.status).toBe(404);
    expect(error.message).toContain('Not Found');
  });

  it('lists branches', async () => {
    const { client } = octokit(emulator.apiUrl, octocat);
    const { data } = await client.rest.repos.listBranches({ owner: 'octocat', repo: 'gatehouse-demo' });
    expect(data.map((branch) => branch.name)).toEqual(['main', 'feature-x', 'docs-typo', 'stale']);
    const main = data.find((branch) => branch.name === 'main')!;
    expect(main.commit.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(main.protected).toBe(true);
    // A branch with nothing ahead points at the default branch's head.
    expect(data.find((branch) => branch.name === 'stale')!.commit.sha).toBe(main.commit.sha);
  });
});

describe('private repositories', () => {
  it('are visible to the owner, collaborators and org members only', async () => {
    const hubot = emulator.mintToken({ login: 'hubot', scopes: ['repo'] });
    const monalisa = emulator.mintToken({ login: 'monalisa', scopes: ['repo'] });
    const status = async (path: string, token?: string) => (await api(path, token)).status;

    expect(await status('/repos/octocat/secret-plans', octocat)).toBe(200);
    expect(await status('/repos/octocat/secret-plans', hubot)).toBe(200); // collaborator
    expect(await status('/repos/octocat/secret-plans', monalisa)).toBe(404);
    expect(await status('/repos/octocat/secret-plans')).toBe(404); // anonymous
    expect(await status('/repos/octo-org/platform', monalisa)).toBe(200); // org member
    expect(await status('/repos/octo-org/platform', hubot)).toBe(404);
    expect(await status('/repos/octocat/diary/issues', hubot)).toBe(404);

    const { client } = octokit(emulator.apiUrl, monalisa);
    const repos = await client.paginate(client.rest.repos.listForAuthenticatedUser, { per_page: 100 });
    expect(repos.map((repo) => repo.full_name)).not.toContain('octocat/diary');
    expect(repos.map((repo) => repo.full_name)).toContain('octo-org/roadmap');
  });

  it('are hidden (404) from tokens without the repo scope, even the owner’s', async () => {
    const publicOnly = emulator.mintToken({ login: 'octocat', scopes: ['public_repo'] });
    const response = await api('/repos/octocat/diary', publicOnly);
    expect(response.status).toBe(404);
    expect(response.headers.get('x-accepted-oauth-scopes')).toBe('repo');
    expect(response.headers.get('x-oauth-scopes')).toBe('public_repo');
  });

  it('serve public repositories to anonymous callers under the anonymous limit', async () => {
    const response = await api('/repos/octocat/Hello-World');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-limit')).toBe('60');
  });
});

describe('conditional requests', () => {
  it('answer 304 to a matching If-None-Match without spending rate limit', async () => {
    const first = await api('/repos/octocat/gatehouse-demo', octocat);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[0-9a-f]{64}"$/);
    expect(first.headers.get('x-ratelimit-remaining')).toBe('4999');

    const cached = await api('/repos/octocat/gatehouse-demo', octocat, { 'if-none-match': etag });
    expect(cached.status).toBe(304);
    expect(await cached.text()).toBe('');
    expect(cached.headers.get('x-ratelimit-remaining')).toBe('4999');

    const stale = await api('/repos/octocat/gatehouse-demo', octocat, {
      'if-none-match': 'W/"something-else"',
    });
    expect(stale.status).toBe(200);
    expect(stale.headers.get('x-ratelimit-remaining')).toBe('4998');
  });

  it('change the ETag when the data changes', async () => {
    const before = (await api('/repos/octocat/gatehouse-demo/issues', octocat)).headers.get('etag')!;
    const { client } = octokit(emulator.apiUrl, octocat);
    await client.rest.issues.create({ owner: 'octocat', repo: 'gatehouse-demo', title: 'A new issue' });
    const after = await api('/repos/octocat/gatehouse-demo/issues', octocat, { 'if-none-match': before });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(before);
  });
});

describe('errors', () => {
  it('answer unknown routes with GitHub’s 404 body', async () => {
    const response = await api('/no/such/endpoint', octocat);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest',
      status: '404',
    });
    expect(response.headers.get('x-github-request-id')).toBeTruthy();
  });

  it('answer unparsable JSON with 400 Problems parsing JSON', async () => {
    const response = await fetch(`${emulator.apiUrl}/repos/octocat/gatehouse-demo/issues`, {
      method: 'POST',
      headers: { authorization: `Bearer ${octocat}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ message: 'Problems parsing JSON' });
  });
});

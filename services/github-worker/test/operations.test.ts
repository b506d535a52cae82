import { type Timestamp, timestampDate } from '@bufbuild/protobuf/wkt';
import { type RunningGitHubEmulator, startGitHubEmulator } from '@gatehouse/github-emulator';
import { describe, expect, test } from '@gatehouse/testing';
import { afterAll, beforeAll } from 'vitest';
import { caller, createTestWorker, EmulatorTokenSource, refusal, type TestWorker } from './support.ts';

// Each operation against the GitHub emulator over HTTP, through the executor (token, GitHub call,
// mapping to the contract), with tokens the emulator minted.
let emulator: RunningGitHubEmulator;
let source: EmulatorTokenSource;
let worker: TestWorker;

beforeAll(async () => {
  emulator = await startGitHubEmulator();
  source = new EmulatorTokenSource(emulator);
  worker = createTestWorker(emulator, source);
});

afterAll(async () => {
  await emulator?.close();
});

/** A person connected as `login`, with a caller id of their own (GitHub paces writes per person). */
async function person(login = 'octocat') {
  const who = caller();
  const token = await source.connect(who.userId, login);
  return { caller: who, token };
}

const page = (perPage: number, cursor = '') => ({ perPage, cursor });

describe('GetViewer', () => {
  test('returns the account, the scopes GitHub reports and a token masked to its first and last four characters', async () => {
    const { caller: who, token } = await person();
    const viewer = await worker.call.getViewer({ caller: who });
    expect(viewer).toMatchObject({
      login: 'octocat',
      id: 583231n,
      name: 'The Octocat',
      upstreamScopes: ['repo'],
      maskedToken: `${token.accessToken.slice(0, 4)}…${token.accessToken.slice(-4)}`,
    });
    expect(viewer.htmlUrl).toMatch(/\/octocat$/);
    expect(viewer.avatarUrl).toContain('/avatars/');
    expect(viewer.githubRequestId).toMatch(/^[0-9A-F]+(:[0-9A-F]+)+$/);
    expect(viewer.upstreamExpiresAt).toBeUndefined();
  });

  test("reports the upstream token's expiry when GitHub gave it one", async () => {
    const who = caller();
    const token = await source.connect(who.userId, 'hubot', { expiresIn: 3_600 });
    const viewer = await worker.call.getViewer({ caller: who });
    expect(viewer.login).toBe('hubot');
    expect(timestampDate(viewer.upstreamExpiresAt as Timestamp).getTime()).toBe(token.expiresAt!.getTime());
  });
});

describe('ListRepositories', () => {
  test('walks every page with the opaque cursor, each repository once, in the order asked for', async () => {
    const { caller: who } = await person();
    const seen: string[] = [];
    let cursor = '';
    let pages = 0;
    do {
      const reply = await worker.call.listRepositories({
        caller: who,
        sort: 'full_name',
        direction: 'asc',
        page: page(10, cursor),
      });
      expect(reply.repositories!.length).toBeLessThanOrEqual(10);
      seen.push(...reply.repositories!.map((repo) => repo.fullName!));
      cursor = reply.nextCursor!;
      pages += 1;
    } while (cursor !== '' && pages < 20);
    expect(pages).toBeGreaterThan(2);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(
      expect.arrayContaining(['octocat/secret-plans', 'octo-org/platform', 'monalisa/portfolio']),
    );
    expect(seen).not.toContain('hubot/private-notes');
    expect(seen).toEqual([...seen].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
  });

  test('applies visibility and affiliation and maps every field of a repository', async () => {
    const { caller: who } = await person();
    const reply = await worker.call.listRepositories({
      caller: who,
      visibility: 'private',
      affiliation: 'owner',
      page: page(100),
    });
    expect(reply.repositories!.every((repo) => repo.private && repo.owner === 'octocat')).toBe(true);
    const secret = reply.repositories!.find((repo) => repo.name === 'secret-plans');
    expect(secret).toMatchObject({
      owner: 'octocat',
      fullName: 'octocat/secret-plans',
      private: true,
      visibility: 'private',
      defaultBranch: 'main',
      openIssuesCount: 2,
      archived: false,
      fork: false,
    });
    expect(typeof secret!.id).toBe('bigint');
    expect(secret!.htmlUrl).toMatch(/\/octocat\/secret-plans$/);
    expect(secret!.updatedAt).toBeDefined();
    expect(reply.nextCursor).toBe('');
  });

  test('refuses a cursor replayed with other filters, and one that was tampered with', async () => {
    const { caller: who } = await person();
    const first = await worker.call.listRepositories({ caller: who, visibility: 'all', page: page(5) });
    expect(first.nextCursor).not.toBe('');
    const replayed = await refusal(
      worker.call.listRepositories({ caller: who, visibility: 'public', page: page(5, first.nextCursor) }),
      'invalid_request',
    );
    expect(replayed.description).toMatch(/^page.cursor belongs to a different query or page size/);
    const resized = await refusal(
      worker.call.listRepositories({ caller: who, visibility: 'all', page: page(6, first.nextCursor) }),
      'invalid_request',
    );
    expect(resized.description).toMatch(/^page.cursor belongs to a different query or page size/);
    const tampered = await refusal(
      worker.call.listRepositories({ caller: who, visibility: 'all', page: page(5, `${first.nextCursor}x`) }),
      'invalid_request',
    );
    expect(tampered.description).toMatch(/^page.cursor is not a cursor this service issued/);
  });
});

describe('GetRepository', () => {
  test('returns the repository with the GitHub request id', async () => {
    const { caller: who } = await person();
    const repo = await worker.call.getRepository({ caller: who, owner: 'octocat', repo: 'gatehouse-demo' });
    expect(repo).toMatchObject({ fullName: 'octocat/gatehouse-demo', defaultBranch: 'main', private: false });
    expect(repo.githubRequestId).not.toBe('');
  });

  test("maps GitHub's 404 to not_found, for a missing repository and for one the person may not see", async () => {
    const { caller: who } = await person();
    for (const [owner, repo] of [
      ['octocat', 'does-not-exist'],
      ['hubot', 'private-notes'],
    ] as const) {
      const error = await refusal(worker.call.getRepository({ caller: who, owner, repo }), 'not_found');
      expect(error.description).toBe(
        `Repository ${owner}/${repo} was not found, or you have no access to it`,
      );
      expect(error.reason).toMatch(/^GitHub GET \/repos\/\S+ → 404 \(request id [0-9A-F:]+\): Not Found$/);
    }
  });
});

describe('ListBranches', () => {
  test('lists branches with their head commit and protection, page by page', async () => {
    const { caller: who } = await person();
    const repository = { owner: 'octocat', repo: 'gatehouse-demo' };
    const first = await worker.call.listBranches({ caller: who, ...repository, page: page(2) });
    expect(first.branches).toHaveLength(2);
    expect(first.branches![0]).toMatchObject({ name: 'main', protected: true });
    expect(first.branches![0]!.commitSha).toMatch(/^[0-9a-f]{40}$/);
    const second = await worker.call.listBranches({
      caller: who,
      ...repository,
      page: page(2, first.nextCursor),
    });
    expect(second.nextCursor).toBe('');
    expect([...first.branches!, ...second.branches!].map((branch) => branch.name).sort()).toEqual([
      'docs-typo',
      'feature-x',
      'main',
      'stale',
    ]);
  });
});

describe('ListIssues', () => {
  const repository = { owner: 'octocat', repo: 'gatehouse-demo' };

  test('leaves pull requests out unless asked for them', async () => {
    const { caller: who } = await person();
    const issues = await worker.call.listIssues({ caller: who, ...repository });
    expect(issues.issues!.map((issue) => issue.number)).toEqual([6, 5, 2, 1]);
    const everything = await worker.call.listIssues({
      caller: who,
      ...repository,
      state: 'all',
      includePullRequests: true,
    });
    expect(everything.issues!.map((issue) => issue.number)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(everything.issues!.filter((issue) => issue.isPullRequest).map((issue) => issue.number)).toEqual([
      7, 4,
    ]);
  });

  test('fills a page past filtered-out pull requests and resumes mid-page from the cursor', async () => {
    const { caller: who } = await person();
    const first = await worker.call.listIssues({ caller: who, ...repository, page: page(3) });
    expect(first.issues!.map((issue) => issue.number)).toEqual([6, 5, 2]);
    expect(first.nextCursor).not.toBe('');
    const second = await worker.call.listIssues({
      caller: who,
      ...repository,
      page: page(3, first.nextCursor),
    });
    expect(second.issues!.map((issue) => issue.number)).toEqual([1]);
    expect(second.nextCursor).toBe('');
  });

  test('filters by state, labels and assignee and maps every field', async () => {
    const { caller: who } = await person();
    const bugs = await worker.call.listIssues({
      caller: who,
      ...repository,
      labels: ['bug'],
      assignee: 'hubot',
    });
    expect(bugs.issues).toHaveLength(1);
    expect(bugs.issues![0]).toMatchObject({
      number: 6,
      title: 'Rate limit errors are not retried',
      state: 'open',
      author: 'hubot',
      labels: ['bug', 'good first issue'],
      assignees: ['hubot'],
      isPullRequest: false,
      repository: 'octocat/gatehouse-demo',
    });
    expect(bugs.issues![0]!.htmlUrl).toMatch(/\/octocat\/gatehouse-demo\/issues\/6$/);
    expect(bugs.issues![0]!.createdAt).toBeDefined();
    const closed = await worker.call.listIssues({ caller: who, ...repository, state: 'closed' });
    expect(closed.issues!.map((issue) => issue.number)).toEqual([8, 3]);
    const unassigned = await worker.call.listIssues({ caller: who, ...repository, assignee: 'none' });
    expect(unassigned.issues!.map((issue) => issue.number)).toEqual([5, 2]);
  });

  test("answers not_found in GitHub's words when a repository's issues are turned off", async () => {
    const { caller: who } = await person();
    const error = await refusal(
      worker.call.listIssues({ caller: who, owner: 'octocat', repo: 'no-issues' }),
      'not_found',
    );
    expect(error.description).toBe('Issues are disabled for this repo');
  });
});

describe('SearchIssues', () => {
  test('passes GitHub search syntax through and maps hits across repositories', async () => {
    const { caller: who } = await person();
    const result = await worker.call.searchIssues({
      caller: who,
      query: 'is:issue is:open label:bug user:octocat',
      sort: 'created',
      order: 'asc',
    });
    expect(result.totalCount).toBe(result.items!.length);
    expect(result.incompleteResults).toBe(false);
    const found = result.items!.map((issue) => `${issue.repository}#${issue.number}`);
    expect(found).toEqual(expect.arrayContaining(['octocat/gatehouse-demo#1', 'octocat/gatehouse-demo#6']));
    expect(result.items!.every((issue) => issue.labels!.includes('bug') && issue.state === 'open')).toBe(
      true,
    );
    expect(result.githubRequestId).not.toBe('');
  });

  test('pages through results', async () => {
    const who = (await person()).caller;
    const first = await worker.call.searchIssues({
      caller: who,
      query: 'repo:octocat/gatehouse-demo',
      page: page(5),
    });
    expect(first.totalCount).toBe(8);
    expect(first.items).toHaveLength(5);
    // The throttling plugin spaces one person's searches 2 s apart (GitHub's 30 a minute): another caller id.
    const second = await worker.call.searchIssues({
      caller: { ...(await person()).caller },
      query: 'repo:octocat/gatehouse-demo',
      page: page(5, first.nextCursor),
    });
    expect(second.items).toHaveLength(3);
    expect(second.nextCursor).toBe('');
    expect(new Set([...first.items!, ...second.items!].map((issue) => issue.number)).size).toBe(8);
  });

  test("maps GitHub's 422 to invalid_request with its validation message", async () => {
    const { caller: who } = await person();
    const error = await refusal(
      worker.call.searchIssues({ caller: who, query: 'repo:hubot/private-notes secrets' }),
      'invalid_request',
    );
    expect(error.description).toBe(
      'GitHub refused the request: The listed users and repositories cannot be searched either because the resources do not exist or you do not have permission to view them.',
    );
  });
});

describe('CreateIssue', () => {
  test('creates the issue with labels and assignees and returns what GitHub stored', async () => {
    const { caller: who } = await person();
    const issue = await worker.call.createIssue({
      caller: who,
      owner: 'octocat',
      repo: 'gatehouse-demo',
      title: 'Worker test: créer un ticket ✓',
      body: 'Line one\nLine two',
      labels: ['bug', 'BUG', 'triage'],
      assignees: ['hubot'],
    });
    expect(issue).toMatchObject({
      title: 'Worker test: créer un ticket ✓',
      body: 'Line one\nLine two',
      state: 'open',
      author: 'octocat',
      labels: ['bug', 'triage'],
      assignees: ['hubot'],
      isPullRequest: false,
      repository: 'octocat/gatehouse-demo',
    });
    expect(issue.number).toBeGreaterThan(8);
    expect(issue.githubRequestId).not.toBe('');
    const stored = emulator.state.store
      .repo('octocat', 'gatehouse-demo')!
      .issues.find((i) => i.number === issue.number);
    expect(stored?.title).toBe('Worker test: créer un ticket ✓');
  });

  test("maps GitHub's 422 to invalid_request naming the field GitHub refused", async () => {
    const { caller: who } = await person();
    const error = await refusal(
      worker.call.createIssue({
        caller: who,
        owner: 'octocat',
        repo: 'gatehouse-demo',
        title: 'x',
        assignees: ['monalisa'],
      }),
      'invalid_request',
    );
    expect(error.description).toBe('GitHub refused the request: assignees is invalid');
  });

  test("maps GitHub's 403 to access_denied with GitHub's message", async () => {
    const { caller: who } = await person();
    const error = await refusal(
      worker.call.createIssue({ caller: who, owner: 'octocat', repo: 'archived-experiment', title: 'x' }),
      'access_denied',
    );
    expect(error.description).toBe('GitHub refused access: Repository was archived so is read-only.');
  });
});

describe('CreatePullRequest', () => {
  const repository = { owner: 'octocat', repo: 'gatehouse-demo' };

  test('opens a draft pull request between two branches', async () => {
    const { caller: who } = await person();
    const pull = await worker.call.createPullRequest({
      caller: who,
      ...repository,
      title: 'Docs typo',
      head: 'docs-typo',
      base: 'main',
      body: 'Fixes a typo',
      draft: true,
    });
    expect(pull).toMatchObject({
      title: 'Docs typo',
      body: 'Fixes a typo',
      state: 'open',
      draft: true,
      head: 'docs-typo',
      base: 'main',
      author: 'octocat',
    });
    expect(pull.htmlUrl).toMatch(new RegExp(`/octocat/gatehouse-demo/pull/${pull.number}$`));
    expect(pull.githubRequestId).not.toBe('');
  });

  test("maps GitHub's 422 detail: no commits between the branches, a pull request already open", async () => {
    const empty = await refusal(
      worker.call.createPullRequest({
        caller: (await person()).caller,
        ...repository,
        title: 'x',
        head: 'stale',
        base: 'main',
      }),
      'invalid_request',
    );
    expect(empty.description).toBe('GitHub refused the request: No commits between main and stale');
    const duplicate = await refusal(
      worker.call.createPullRequest({
        caller: (await person()).caller,
        ...repository,
        title: 'Again',
        head: 'octocat:feature-x',
        base: 'main',
      }),
      'invalid_request',
    );
    expect(duplicate.description).toBe(
      'GitHub refused the request: A pull request already exists for octocat:feature-x.',
    );
  });
});

describe('GitHub Enterprise Server', () => {
  test('works against a base URL with the /api/v3 prefix, pagination included', async () => {
    const ghes = createTestWorker(emulator, source, { baseUrl: `${emulator.url}/api/v3` });
    const { caller: who } = await person();
    const first = await ghes.call.listBranches({
      caller: who,
      owner: 'octocat',
      repo: 'gatehouse-demo',
      page: page(3),
    });
    const second = await ghes.call.listBranches({
      caller: who,
      owner: 'octocat',
      repo: 'gatehouse-demo',
      page: page(3, first.nextCursor),
    });
    expect([...first.branches!, ...second.branches!]).toHaveLength(4);
  });
});

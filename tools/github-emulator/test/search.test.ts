import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningGitHubEmulator, startGitHubEmulator } from '../src/index.ts';
import { parseSearchQuery } from '../src/rest/search-query.ts';
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

/** Searches with a fresh client each time: the throttling plugin spaces searches 2 s apart per client. */
async function search(q: string, token: string | null = octocat, extra: Record<string, unknown> = {}) {
  const { client } = octokit(emulator.apiUrl, token ?? undefined);
  return (await client.rest.search.issuesAndPullRequests({ q, ...extra } as never)).data;
}

/** `owner/repo#number` of every hit; token null searches anonymously. */
async function found(q: string, token: string | null = octocat): Promise<string[]> {
  const data = await search(q, token);
  return data.items.map((item) => `${item.repository_url.split('/repos/')[1]}#${item.number}`).sort();
}

describe('GET /search/issues', () => {
  it('combines repo:, is: and state qualifiers', async () => {
    const demo = 'repo:octocat/gatehouse-demo';
    expect(await found(`${demo} is:issue is:open`)).toEqual(
      ['#1', '#2', '#5', '#6'].map((n) => `octocat/gatehouse-demo${n}`).sort(),
    );
    expect(await found(`${demo} is:pr`)).toEqual(['octocat/gatehouse-demo#4', 'octocat/gatehouse-demo#7']);
    expect(await found(`${demo} is:pr state:closed`)).toEqual(['octocat/gatehouse-demo#7']);
    expect(await found(`${demo} is:pr is:merged`)).toEqual(['octocat/gatehouse-demo#7']);
  });

  it('matches labels (quoted, negated), author and assignee', async () => {
    const demo = 'repo:octocat/gatehouse-demo';
    expect(await found(`${demo} label:"good first issue"`)).toEqual(['octocat/gatehouse-demo#6']);
    expect(await found(`${demo} label:bug -assignee:hubot`)).toEqual(['octocat/gatehouse-demo#1']);
    expect(await found(`${demo} author:hubot is:issue`)).toEqual([
      'octocat/gatehouse-demo#2',
      'octocat/gatehouse-demo#6',
    ]);
    expect(await found(`${demo} assignee:octocat`)).toEqual(['octocat/gatehouse-demo#1']);
    expect(await found(`${demo} no:label is:issue`)).toEqual([]);
  });

  it('searches free text in titles and bodies, phrases included', async () => {
    expect(await found('safari')).toEqual(['octocat/gatehouse-demo#1']);
    expect(await found('"secondary rate limit"')).toEqual(['octocat/gatehouse-demo#6']);
    expect(await found('yarn in:title')).toEqual(['octocat/secret-plans#1']);
  });

  it('only returns what the caller can see', async () => {
    expect(await found('org:octo-org')).toEqual([
      'octo-org/platform#1',
      'octo-org/platform#2',
      'octo-org/roadmap#1',
      'octo-org/website#1',
    ]);
    const hubot = emulator.mintToken({ login: 'hubot', scopes: ['repo'] });
    expect(await found('org:octo-org', hubot)).toEqual(['octo-org/website#1']);
    expect(await found('yarn', hubot)).toEqual(['octocat/secret-plans#1', 'octocat/secret-plans#2']);
    expect(await found('yarn', null)).toEqual([]);
    const publicOnly = emulator.mintToken({ login: 'octocat', scopes: ['public_repo'] });
    expect(await found('user:octocat is:private', publicOnly)).toEqual([]);
  });

  it('answers 422 for repositories that do not exist or are hidden', async () => {
    const monalisa = emulator.mintToken({ login: 'monalisa', scopes: ['repo'] });
    const { client } = octokit(emulator.apiUrl, monalisa);
    const error = await requestError(client.rest.search.issuesAndPullRequests({ q: 'repo:octocat/diary' }));
    expect(error.status).toBe(422);
    expect(error.message).toContain('cannot be searched');
    const missing = await requestError(
      octokit(emulator.apiUrl, octocat).client.request('GET /search/issues'),
    );
    expect(missing.status).toBe(422);
  });

  it('reports totals, paginates and sorts', async () => {
    const page = await search('repo:octocat/gatehouse-demo', octocat, {
      sort: 'created',
      order: 'asc',
      per_page: 3,
      page: 2,
    });
    expect(page.total_count).toBe(8);
    expect(page.incomplete_results).toBe(false);
    expect(page.items.map((item) => item.number)).toEqual([4, 5, 6]);
    expect(page.items[0]!.score).toBe(1);
  });

  it('counts against the separate search rate limit', async () => {
    const response = await fetch(`${emulator.apiUrl}/search/issues?q=bug`, {
      headers: { authorization: `Bearer ${octocat}` },
    });
    expect(response.headers.get('x-ratelimit-resource')).toBe('search');
    expect(response.headers.get('x-ratelimit-limit')).toBe('30');
  });
});

describe('parseSearchQuery', () => {
  it('separates qualifiers from terms and treats unknown qualifiers as text', () => {
    expect(parseSearchQuery('is:open -label:"help wanted" crash "login page" foo:bar')).toEqual({
      qualifiers: [
        { key: 'is', value: 'open', negated: false },
        { key: 'label', value: 'help wanted', negated: true },
      ],
      terms: ['crash', 'login page', 'foo:bar'],
    });
  });
});

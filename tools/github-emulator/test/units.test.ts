import { describe, expect, it } from 'vitest';
import { isAllowedRedirect } from '../src/oauth/apps.ts';
import { hasScope, parseScopes } from '../src/oauth/scopes.ts';
import { escapeHtml } from '../src/oauth/sign-in-page.ts';
import { ifNoneMatchHits } from '../src/rest/etag.ts';
import { IdSequence, loadDefaultSeed, materializeSeed, type SeedData } from '../src/state/seed.ts';

describe('isAllowedRedirect', () => {
  // The table from GitHub's "Redirect URLs" documentation, for callback http://example.com/path.
  const callback = 'http://example.com/path';
  it.each([
    ['http://example.com/path', true],
    ['http://example.com/path/subdir/other', true],
    ['http://oauth.example.com/path', true],
    ['http://oauth.example.com/path/subdir/other', true],
    ['http://example.com/bar', false],
    ['http://example.com/', false],
    ['http://example.com:8080/path', false],
    ['http://oauth.example.com:8080/path', false],
    ['http://example.org', false],
    ['https://example.com/path', false],
    ['http://example.com/pathology', false],
    ['http://example.com/path/../bar', false],
    ['http://evilexample.com/path', false],
    ['not a url', false],
  ])('%s → %s', (redirect, allowed) => {
    expect(isAllowedRedirect(callback, redirect)).toBe(allowed);
  });

  it('lets loopback IP callbacks use any port', () => {
    expect(isAllowedRedirect('http://127.0.0.1/cb', 'http://127.0.0.1:8123/cb')).toBe(true);
    expect(isAllowedRedirect('http://localhost/cb', 'http://localhost:8123/cb')).toBe(false);
  });
});

describe('scopes', () => {
  it('parse from spaces or commas and imply their children', () => {
    expect(parseScopes('repo, read:org  repo')).toEqual(['repo', 'read:org']);
    expect(hasScope(['repo'], 'public_repo')).toBe(true);
    expect(hasScope(['public_repo'], 'repo')).toBe(false);
    expect(hasScope(['admin:org'], 'read:org')).toBe(true);
  });
});

describe('ifNoneMatchHits', () => {
  it('compares weakly and understands lists and *', () => {
    expect(ifNoneMatchHits('"abc"', 'W/"abc"')).toBe(true);
    expect(ifNoneMatchHits('W/"x", W/"abc"', 'W/"abc"')).toBe(true);
    expect(ifNoneMatchHits('*', 'W/"abc"')).toBe(true);
    expect(ifNoneMatchHits('W/"abd"', 'W/"abc"')).toBe(false);
    expect(ifNoneMatchHits(undefined, 'W/"abc"')).toBe(false);
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('seed', () => {
  it('ships enough of octocat for pagination and the demo repository', () => {
    const seed = loadDefaultSeed();
    expect(seed.repos.filter((repo) => repo.owner === 'octocat').length).toBeGreaterThanOrEqual(30);
    const demo = seed.repos.find((repo) => repo.owner === 'octocat' && repo.name === 'gatehouse-demo');
    expect(demo?.branches?.map((branch) => branch.name)).toEqual(['main', 'feature-x', 'docs-typo', 'stale']);
  });

  it('rejects references to accounts and labels that do not exist', () => {
    const base: SeedData = { users: [{ login: 'a', id: 1 }], repos: [] };
    const materialize = (seed: SeedData) => () => materializeSeed(seed, new IdSequence(1));
    expect(materialize({ ...base, repos: [{ owner: 'ghost', name: 'r' }] })).toThrow(/owner is not a seeded/);
    expect(
      materialize({
        ...base,
        repos: [{ owner: 'a', name: 'r', issues: [{ title: 't', author: 'a', labels: ['nope'] }] }],
      }),
    ).toThrow(/label "nope" is not defined/);
    expect(materialize({ ...base, repos: [{ owner: 'a', name: 'r', collaborators: ['b'] }] })).toThrow(
      /"b" is not a seeded user/,
    );
    expect(materialize({ users: [...base.users, { login: 'A', id: 2 }], repos: [] })).toThrow(
      /duplicate login/,
    );
  });
});

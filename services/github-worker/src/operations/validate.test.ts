import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { github } from '@gatehouse/proto';
import { describe, expect, test } from '@gatehouse/testing';
import { WorkerError } from '../errors.ts';
import { createIssue } from './create-issue.ts';
import { createPullRequest } from './create-pull-request.ts';
import { listIssues } from './list-issues.ts';
import { listRepositories } from './list-repositories.ts';
import { searchIssues } from './search-issues.ts';
import { callerUserId } from './validate.ts';

// Every refusal made before GitHub is called, with the exact message a model would read.

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WorkerError);
    expect((error as WorkerError).code).toBe('invalid_request');
    return (error as WorkerError).description;
  }
  throw new Error('expected invalid_request');
}

const issue = (init: MessageInitShape<typeof github.CreateIssueRequestSchema>) =>
  createIssue.parse(
    create(github.CreateIssueRequestSchema, { owner: 'octocat', repo: 'hello', title: 'A title', ...init }),
  );
const pull = (init: MessageInitShape<typeof github.CreatePullRequestRequestSchema>) =>
  createPullRequest.parse(
    create(github.CreatePullRequestRequestSchema, {
      owner: 'octocat',
      repo: 'hello',
      title: 'A title',
      head: 'feature',
      base: 'main',
      ...init,
    }),
  );
const issues = (init: MessageInitShape<typeof github.ListIssuesRequestSchema>) =>
  listIssues.parse(create(github.ListIssuesRequestSchema, { owner: 'octocat', repo: 'hello', ...init }));
const repositories = (init: MessageInitShape<typeof github.ListRepositoriesRequestSchema>) =>
  listRepositories.parse(create(github.ListRepositoriesRequestSchema, init));
const search = (init: MessageInitShape<typeof github.SearchIssuesRequestSchema>) =>
  searchIssues.parse(create(github.SearchIssuesRequestSchema, { query: 'is:issue bug', ...init }));

const LOGIN_RULE =
  'must be a GitHub user or organization name: at most 39 letters, digits, hyphens or underscores, starting with a letter or digit';
const REPO_RULE =
  'must be a repository name: at most 100 letters, digits, ".", "-" or "_", and not "." or ".."';

describe('input refused before GitHub is called', () => {
  test.each([
    ['no caller', () => callerUserId(undefined), 'caller.user_id is required'],
    [
      'a caller id with a newline',
      () => callerUserId({ userId: 'u\n1' }),
      'caller.user_id is not a valid user id',
    ],
    ['no owner', () => issue({ owner: '' }), 'owner is required'],
    ['an owner with a slash', () => issue({ owner: 'octo/cat' }), `owner ${LOGIN_RULE}`],
    ['an owner starting with a hyphen', () => issue({ owner: '-octocat' }), `owner ${LOGIN_RULE}`],
    ['an owner of 40 characters', () => issue({ owner: 'a'.repeat(40) }), `owner ${LOGIN_RULE}`],
    ['no repo', () => issue({ repo: '' }), 'repo is required'],
    ['a repo of ".."', () => issue({ repo: '..' }), `repo ${REPO_RULE}`],
    ['a repo with a space', () => issue({ repo: 'hello world' }), `repo ${REPO_RULE}`],
    ['a repo of 101 characters', () => issue({ repo: 'r'.repeat(101) }), `repo ${REPO_RULE}`],
    ['a blank title', () => issue({ title: '   ' }), 'title is required'],
    [
      'a title of 257 characters',
      () => issue({ title: 'é'.repeat(257) }),
      'title must be at most 256 characters (it has 257)',
    ],
    [
      'a title on two lines',
      () => issue({ title: 'one\ntwo' }),
      'title must be one line without control characters',
    ],
    [
      'a body of 65,537 characters',
      () => issue({ body: 'x'.repeat(65_537) }),
      'body must be at most 65,536 characters (it has 65537)',
    ],
    [
      'a body with a NUL',
      () => issue({ body: 'a\u0000b' }),
      'body must not contain control characters other than tab and newline',
    ],
    ['an empty label', () => issue({ labels: ['bug', ' '] }), 'labels[1] is empty'],
    [
      'a label of 51 characters',
      () => issue({ labels: ['l'.repeat(51)] }),
      'labels[0] must be at most 50 characters',
    ],
    [
      '101 labels',
      () => issue({ labels: Array.from({ length: 101 }, (_, i) => `l${i}`) }),
      'labels may name at most 100 labels',
    ],
    [
      'an assignee that is not a login',
      () => issue({ assignees: ['octo cat'] }),
      `assignees[0] ${LOGIN_RULE}`,
    ],
    [
      '11 assignees',
      () => issue({ assignees: Array.from({ length: 11 }, (_, i) => `u${i}`) }),
      'assignees may name at most 10 people',
    ],
    ['no head', () => pull({ head: '' }), 'head is required'],
    [
      'a base with ".."',
      () => pull({ base: 'main..dev' }),
      'base is not a valid branch name: it contains ".."',
    ],
    [
      'a base with a space',
      () => pull({ base: 'my branch' }),
      'base is not a valid branch name: it contains a space, a control character or one of ~ ^ : ? * [ \\',
    ],
    [
      'a head ending in .lock',
      () => pull({ head: 'feature.lock' }),
      'head is not a valid branch name: a part between slashes starts with "." or ends with ".lock"',
    ],
    [
      'a head starting with "-"',
      () => pull({ head: '-f' }),
      'head is not a valid branch name: it starts with "-"',
    ],
    ['a head with "@{"', () => pull({ head: 'a@{1}' }), 'head is not a valid branch name: it contains "@{"'],
    [
      'a head ending in "/"',
      () => pull({ head: 'feature/' }),
      'head is not a valid branch name: it starts or ends with "/", or contains "//"',
    ],
    [
      'a head ending in "."',
      () => pull({ head: 'feature.' }),
      'head is not a valid branch name: it ends with "."',
    ],
    [
      'a base of 256 bytes',
      () => pull({ base: 'b'.repeat(256) }),
      'base is not a valid branch name: longer than 255 bytes',
    ],
    [
      'a fork head with a bad owner',
      () => pull({ head: 'bad owner:feature' }),
      `head (the owner before ":") ${LOGIN_RULE}`,
    ],
    [
      'a fork head with no branch',
      () => pull({ head: 'octocat:' }),
      'head (the branch after ":") is required',
    ],
    [
      'an unknown issue state',
      () => issues({ state: 'merged' }),
      "state must be one of open, closed, all (or empty for GitHub's default)",
    ],
    [
      'a label filter with a comma',
      () => issues({ labels: ['a,b'] }),
      'labels[0] contains ",", which GitHub\'s label filter cannot express',
    ],
    ['an assignee filter that is not a login', () => issues({ assignee: 'a b' }), `assignee ${LOGIN_RULE}`],
    [
      'an unknown visibility',
      () => repositories({ visibility: 'internal' }),
      "visibility must be one of all, public, private (or empty for GitHub's default)",
    ],
    [
      'an unknown affiliation',
      () => repositories({ affiliation: 'owner,member' }),
      'affiliation must be a comma-separated list of owner, collaborator, organization_member; "member" is not one',
    ],
    [
      'a repeated affiliation',
      () => repositories({ affiliation: 'owner,owner' }),
      'affiliation names a value twice',
    ],
    [
      'an unknown sort',
      () => repositories({ sort: 'stars' }),
      "sort must be one of created, updated, pushed, full_name (or empty for GitHub's default)",
    ],
    [
      'an unknown direction',
      () => repositories({ direction: 'up' }),
      "direction must be one of asc, desc (or empty for GitHub's default)",
    ],
    [
      'an empty search',
      () => search({ query: '  ' }),
      'query is required: GitHub search syntax, e.g. "repo:octocat/hello is:open bug"',
    ],
    [
      'a search of 1,025 characters',
      () => search({ query: 'q'.repeat(1025) }),
      'query must be at most 1,024 characters',
    ],
    [
      'a search on two lines',
      () => search({ query: 'a\nb' }),
      'query must be one line without control characters',
    ],
    [
      'an unknown search sort',
      () => search({ sort: 'stars' }),
      expect.stringMatching(/^sort must be one of comments, reactions, /),
    ],
    [
      'a page size of 101',
      () => search({ page: { perPage: 101, cursor: '' } }),
      'page.per_page must be from 1 to 100 (0 means 30)',
    ],
  ])('refuses %s', (_label, run, message) => {
    expect(refusal(run)).toEqual(message);
  });
});

describe('input accepted', () => {
  test('GitHub names as GitHub allows them', () => {
    expect(issue({ owner: 'octo-org', repo: 'my.repo_name-2' })).toMatchObject({
      owner: 'octo-org',
      repo: 'my.repo_name-2',
    });
    expect(issue({ owner: 'mona_acme' }).owner).toBe('mona_acme');
    expect(pull({ head: 'monalisa:feature/login-fix', base: 'release/1.2' })).toMatchObject({
      head: 'monalisa:feature/login-fix',
      base: 'release/1.2',
    });
  });

  test('labels and assignees deduplicated as GitHub compares them, case-insensitively', () => {
    expect(issue({ labels: ['Bug', 'bug', 'ui'], assignees: ['Hubot', 'hubot'] })).toMatchObject({
      labels: ['Bug', 'ui'],
      assignees: ['Hubot'],
    });
  });

  test('a title of 256 characters counted as GitHub counts them, and a body of exactly 65,536', () => {
    expect(issue({ title: '😀'.repeat(256), body: 'x'.repeat(65_536) }).title).toHaveLength(512);
  });

  test('a search query trimmed, with tabs and newlines allowed only in bodies', () => {
    expect(search({ query: '  is:open  ' }).query.q).toBe('is:open');
    expect(issue({ body: 'a\tb\r\nc' }).body).toBe('a\tb\r\nc');
  });
});

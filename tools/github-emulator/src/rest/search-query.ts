import type { Issue, Repository } from '../state/model.ts';

/** One `key:value` qualifier; `negated` for the `-key:value` form. */
export interface Qualifier {
  key: string;
  value: string;
  negated: boolean;
}

export interface SearchQuery {
  qualifiers: Qualifier[];
  /** Free-text words and quoted phrases, all of which must appear. */
  terms: string[];
}

/** Qualifiers the emulator understands; anything else that looks like one is searched as text. */
const KNOWN_QUALIFIERS = new Set([
  'repo',
  'user',
  'org',
  'is',
  'type',
  'state',
  'label',
  'author',
  'assignee',
  'involves',
  'no',
  'in',
]);

const TOKEN = /(-?)([a-z]+):("[^"]*"|\S+)|"([^"]*)"|(\S+)/gi;

/** Parses the subset of GitHub's issue search syntax the emulator supports (see README). */
export function parseSearchQuery(q: string): SearchQuery {
  const query: SearchQuery = { qualifiers: [], terms: [] };
  for (const match of q.matchAll(TOKEN)) {
    const [text, minus, key, rawValue, phrase, word] = match;
    if (key !== undefined && rawValue !== undefined && KNOWN_QUALIFIERS.has(key.toLowerCase())) {
      const value = rawValue.replace(/^"(.*)"$/, '$1');
      query.qualifiers.push({ key: key.toLowerCase(), value, negated: minus === '-' });
    } else {
      const term = phrase ?? word ?? text;
      if (term && term.toUpperCase() !== 'AND') query.terms.push(term.toLowerCase());
    }
  }
  return query;
}

/** Logins and repositories the query names, which must exist and be visible or GitHub answers 422. */
export function namedScopes(query: SearchQuery): { repos: string[]; owners: string[] } {
  const positive = query.qualifiers.filter((qualifier) => !qualifier.negated);
  return {
    repos: positive.filter((qualifier) => qualifier.key === 'repo').map((qualifier) => qualifier.value),
    owners: positive
      .filter((qualifier) => qualifier.key === 'user' || qualifier.key === 'org')
      .map((qualifier) => qualifier.value),
  };
}

/** True when the issue satisfies every qualifier and contains every free-text term. */
export function matchesQuery(query: SearchQuery, repo: Repository, issue: Issue): boolean {
  const inFields = query.qualifiers.find((qualifier) => qualifier.key === 'in')?.value.split(',') ?? [];
  const haystack = textFields(issue, inFields).join('\n').toLowerCase();
  if (!query.terms.every((term) => haystack.includes(term))) return false;
  return query.qualifiers.every(
    (qualifier) => qualifier.negated !== matchesQualifier(qualifier, repo, issue),
  );
}

function textFields(issue: Issue, inFields: string[]): string[] {
  if (inFields.length === 0) return [issue.title, issue.body ?? ''];
  return [
    ...(inFields.includes('title') ? [issue.title] : []),
    ...(inFields.includes('body') ? [issue.body ?? ''] : []),
  ];
}

function matchesQualifier({ key, value }: Qualifier, repo: Repository, issue: Issue): boolean {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const oneOf = (candidates: string[]) => value.split(',').some((v) => candidates.some((c) => same(c, v)));
  switch (key) {
    case 'repo':
      return same(`${repo.owner}/${repo.name}`, value);
    case 'user':
    case 'org':
      return same(repo.owner, value);
    case 'is':
    case 'type':
    case 'state':
      return matchesIs(value.toLowerCase(), repo, issue);
    case 'label':
      // `label:bug,ui` means either label; repeated label qualifiers must all match.
      return oneOf(issue.labels);
    case 'author':
      return same(issue.author, value);
    case 'assignee':
      return oneOf(issue.assignees);
    case 'involves':
      return oneOf([issue.author, ...issue.assignees]);
    case 'no':
      return value === 'label'
        ? issue.labels.length === 0
        : value === 'assignee' && issue.assignees.length === 0;
    case 'in':
      return true;
    default:
      return false;
  }
}

function matchesIs(value: string, repo: Repository, issue: Issue): boolean {
  switch (value) {
    case 'issue':
      return issue.pull === null;
    case 'pr':
    case 'pull-request':
      return issue.pull !== null;
    case 'open':
    case 'closed':
      return issue.state === value;
    case 'merged':
      return issue.pull?.mergedAt != null;
    case 'unmerged':
      return issue.pull !== null && issue.pull.mergedAt === null && issue.state === 'closed';
    case 'draft':
      return issue.pull?.draft === true;
    case 'public':
    case 'private':
      return repo.private === (value === 'private');
    case 'locked':
      return issue.locked;
    default:
      return false;
  }
}

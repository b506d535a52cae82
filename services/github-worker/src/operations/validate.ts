import { invalidInput } from '../errors.ts';

// Input rules, checked before any token is fetched or GitHub is called. Each refusal names the
// field and the rule, so a model calling a tool can correct itself. Octokit percent-encodes path
// parameters anyway; these rules are about precise errors, not about escaping.

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: tab, newline and carriage return are allowed in bodies
const CONTROL_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * GitHub logins: letters, digits and hyphens, at most 39 characters, starting with a letter or
 * digit. Underscores appear in Enterprise Managed Users (`name_shortcode`) and GHES logins.
 */
const LOGIN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$/;
/** GitHub repository names: letters, digits, `.`, `-`, `_`, at most 100 characters. */
const REPOSITORY = /^[A-Za-z0-9._-]{1,100}$/;

/** GitHub's limits: issue and pull request titles 256 characters, bodies 65,536, label names 50. */
export const MAX_TITLE = 256;
export const MAX_BODY = 65_536;
const MAX_LABEL = 50;
const MAX_LABELS = 100;
/** GitHub allows ten assignees per issue. */
const MAX_ASSIGNEES = 10;
/** GitHub itself refuses more than 256 characters of search text; qualifiers come on top. */
const MAX_QUERY = 1_024;
/** Git allows 255 bytes per ref name component; GitHub the same for a branch. */
const MAX_BRANCH_BYTES = 255;

/** The person on whose behalf GitHub is called: from the verified access token, via the gateway. */
export function callerUserId(caller: { userId: string } | undefined): string {
  const userId = caller?.userId ?? '';
  if (userId === '') throw invalidInput('caller.user_id is required');
  if (userId.length > 128 || CONTROL.test(userId))
    throw invalidInput('caller.user_id is not a valid user id');
  return userId;
}

export function login(value: string, field: string): string {
  if (value === '') throw invalidInput(`${field} is required`);
  if (!LOGIN.test(value)) {
    throw invalidInput(
      `${field} must be a GitHub user or organization name: at most 39 letters, digits, hyphens or underscores, starting with a letter or digit`,
    );
  }
  return value;
}

export function repositoryName(value: string, field = 'repo'): string {
  if (value === '') throw invalidInput(`${field} is required`);
  if (!REPOSITORY.test(value) || value === '.' || value === '..') {
    throw invalidInput(
      `${field} must be a repository name: at most 100 letters, digits, ".", "-" or "_", and not "." or ".."`,
    );
  }
  return value;
}

/** owner and repo of a request that names a repository. */
export function repository(request: { owner: string; repo: string }): { owner: string; repo: string } {
  return { owner: login(request.owner, 'owner'), repo: repositoryName(request.repo) };
}

/** A branch name as `git check-ref-format --branch` accepts it. */
export function branchName(value: string, field: string): string {
  if (value === '') throw invalidInput(`${field} is required`);
  const problem = branchProblem(value);
  if (problem) throw invalidInput(`${field} is not a valid branch name: ${problem}`);
  return value;
}

/** A pull request's head: a branch of this repository, or `owner:branch` for one in a fork. */
export function headBranch(value: string, field = 'head'): string {
  const colon = value.indexOf(':');
  if (colon < 0) return branchName(value, field);
  login(value.slice(0, colon), `${field} (the owner before ":")`);
  branchName(value.slice(colon + 1), `${field} (the branch after ":")`);
  return value;
}

function branchProblem(name: string): string | undefined {
  if (Buffer.byteLength(name) > MAX_BRANCH_BYTES) return `longer than ${MAX_BRANCH_BYTES} bytes`;
  if (CONTROL.test(name) || /[ ~^:?*[\\]/.test(name)) {
    return 'it contains a space, a control character or one of ~ ^ : ? * [ \\';
  }
  if (name.startsWith('-')) return 'it starts with "-"';
  if (name === '@') return 'it is "@"';
  if (name.includes('..')) return 'it contains ".."';
  if (name.includes('@{')) return 'it contains "@{"';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) {
    return 'it starts or ends with "/", or contains "//"';
  }
  if (name.endsWith('.')) return 'it ends with "."';
  if (name.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'))) {
    return 'a part between slashes starts with "." or ends with ".lock"';
  }
  return undefined;
}

export function title(value: string, field = 'title'): string {
  if (value.trim() === '') throw invalidInput(`${field} is required`);
  const length = characters(value);
  if (length > MAX_TITLE) {
    throw invalidInput(`${field} must be at most ${MAX_TITLE} characters (it has ${length})`);
  }
  if (CONTROL.test(value)) throw invalidInput(`${field} must be one line without control characters`);
  return value;
}

export function body(value: string, field = 'body'): string {
  const length = characters(value);
  if (length > MAX_BODY) {
    throw invalidInput(
      `${field} must be at most ${MAX_BODY.toLocaleString('en')} characters (it has ${length})`,
    );
  }
  if (CONTROL_EXCEPT_WHITESPACE.test(value)) {
    throw invalidInput(`${field} must not contain control characters other than tab and newline`);
  }
  return value;
}

/**
 * Label names, deduplicated (GitHub treats them case-insensitively). In a filter they travel
 * comma-separated, so a comma inside a name cannot be asked for.
 */
export function labelNames(values: readonly string[], field: string, options: { filter: boolean }): string[] {
  if (values.length > MAX_LABELS) throw invalidInput(`${field} may name at most ${MAX_LABELS} labels`);
  const seen = new Map<string, string>();
  values.forEach((label, index) => {
    const at = `${field}[${index}]`;
    if (label.trim() === '') throw invalidInput(`${at} is empty`);
    if (characters(label) > MAX_LABEL) throw invalidInput(`${at} must be at most ${MAX_LABEL} characters`);
    if (CONTROL.test(label)) throw invalidInput(`${at} must not contain control characters`);
    if (options.filter && label.includes(',')) {
      throw invalidInput(`${at} contains ",", which GitHub's label filter cannot express`);
    }
    if (!seen.has(label.toLowerCase())) seen.set(label.toLowerCase(), label);
  });
  return [...seen.values()];
}

export function assignees(values: readonly string[], field = 'assignees'): string[] {
  if (values.length > MAX_ASSIGNEES) throw invalidInput(`${field} may name at most ${MAX_ASSIGNEES} people`);
  const unique = new Map<string, string>();
  values.forEach((value, index) => {
    const name = login(value, `${field}[${index}]`);
    if (!unique.has(name.toLowerCase())) unique.set(name.toLowerCase(), name);
  });
  return [...unique.values()];
}

/** The issues filter's assignee: a login, `none` (unassigned) or `*` (assigned to anyone). */
export function assigneeFilter(value: string): string | undefined {
  if (value === '') return undefined;
  if (value === 'none' || value === '*') return value;
  return login(value, 'assignee');
}

export function searchQuery(value: string): string {
  const query = value.trim();
  if (query === '')
    throw invalidInput('query is required: GitHub search syntax, e.g. "repo:octocat/hello is:open bug"');
  if (characters(query) > MAX_QUERY) {
    throw invalidInput(`query must be at most ${MAX_QUERY.toLocaleString('en')} characters`);
  }
  if (CONTROL.test(query)) throw invalidInput('query must be one line without control characters');
  return query;
}

/** An enumerated parameter: empty means GitHub's default, anything else must be listed. */
export function oneOf<T extends string>(value: string, field: string, allowed: readonly T[]): T | undefined {
  if (value === '') return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalidInput(`${field} must be one of ${allowed.join(', ')} (or empty for GitHub's default)`);
  }
  return value as T;
}

/** A comma-separated subset of `allowed`, each at most once. */
export function subsetOf<T extends string>(
  value: string,
  field: string,
  allowed: readonly T[],
): T[] | undefined {
  if (value.trim() === '') return undefined;
  const items = value.split(',').map((item) => item.trim());
  const unknown = items.find((item) => !(allowed as readonly string[]).includes(item));
  if (unknown !== undefined) {
    throw invalidInput(
      `${field} must be a comma-separated list of ${allowed.join(', ')}; "${unknown.slice(0, 40)}" is not one`,
    );
  }
  if (new Set(items).size !== items.length) throw invalidInput(`${field} names a value twice`);
  return items as T[];
}

/** Characters as GitHub counts them (code points), not UTF-16 units. */
function characters(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Account, Branch, Issue, Label, Organization, Repository, User } from './model.ts';

/** The JSON fixture's shape (see fixtures/seed.json). Optional fields get GitHub's defaults. */
export interface SeedData {
  users: SeedUser[];
  orgs?: SeedOrg[];
  repos: SeedRepo[];
}

export interface SeedUser {
  login: string;
  id: number;
  name?: string | null;
  email?: string | null;
  company?: string | null;
  location?: string | null;
  bio?: string | null;
  blog?: string;
  twitterUsername?: string | null;
  createdAt?: string;
}

export interface SeedOrg {
  login: string;
  id: number;
  name?: string | null;
  description?: string | null;
  members?: string[];
  admins?: string[];
  createdAt?: string;
}

export interface SeedBranch {
  name: string;
  /** Commits ahead of the default branch; 0 (the default) means it points at the default branch's head. */
  ahead?: number;
  sha?: string;
  protected?: boolean;
}

export interface SeedLabel {
  name: string;
  color?: string;
  description?: string | null;
}

export interface SeedIssue {
  number?: number;
  title: string;
  body?: string | null;
  state?: 'open' | 'closed';
  stateReason?: 'completed' | 'not_planned' | 'reopened' | null;
  author: string;
  assignees?: string[];
  labels?: string[];
  comments?: number;
  locked?: boolean;
  createdAt?: string;
  updatedAt?: string;
  closedAt?: string | null;
  pullRequest?: { head: string; base?: string; draft?: boolean; merged?: boolean };
}

export interface SeedRepo {
  owner: string;
  name: string;
  id?: number;
  private?: boolean;
  description?: string | null;
  homepage?: string | null;
  language?: string | null;
  topics?: string[];
  defaultBranch?: string;
  hasIssues?: boolean;
  archived?: boolean;
  stars?: number;
  forks?: number;
  createdAt?: string;
  updatedAt?: string;
  pushedAt?: string;
  collaborators?: string[];
  branches?: SeedBranch[];
  /** Omitted: the labels GitHub gives every new repository. */
  labels?: SeedLabel[];
  issues?: SeedIssue[];
}

/** The labels GitHub creates in every new repository. */
const GITHUB_DEFAULT_LABELS: SeedLabel[] = [
  { name: 'bug', color: 'd73a4a', description: "Something isn't working" },
  { name: 'documentation', color: '0075ca', description: 'Improvements or additions to documentation' },
  { name: 'duplicate', color: 'cfd3d7', description: 'This issue or pull request already exists' },
  { name: 'enhancement', color: 'a2eeef', description: 'New feature or request' },
  { name: 'good first issue', color: '7057ff', description: 'Good for newcomers' },
  { name: 'help wanted', color: '008672', description: 'Extra attention is needed' },
  { name: 'invalid', color: 'e4e669', description: "This doesn't seem right" },
  { name: 'question', color: 'd876e3', description: 'Further information is requested' },
  { name: 'wontfix', color: 'ffffff', description: 'This will not be worked on' },
];

const SEED_EPOCH = '2024-01-01T00:00:00Z';

const DEFAULT_SEED_URL = new URL('../../fixtures/seed.json', import.meta.url);

export function loadDefaultSeed(): SeedData {
  return JSON.parse(readFileSync(DEFAULT_SEED_URL, 'utf8')) as SeedData;
}

/** Hands out ids for objects the seed does not number itself; deterministic so resets reproduce them. */
export class IdSequence {
  #next: number;
  constructor(start: number) {
    this.#next = start;
  }
  next(): number {
    return this.#next++;
  }
}

export interface MaterializedSeed {
  accounts: Account[];
  repos: Repository[];
}

/** Turns seed JSON into model objects, checking that every login and label it mentions exists. */
export function materializeSeed(seed: SeedData, ids: IdSequence): MaterializedSeed {
  const users = seed.users.map(toUser);
  const orgs = (seed.orgs ?? []).map(toOrganization);
  const accounts: Account[] = [...users, ...orgs];
  const logins = new Set<string>();
  for (const account of accounts) {
    const key = account.login.toLowerCase();
    check(!logins.has(key), `duplicate login "${account.login}"`);
    logins.add(key);
  }
  const userLogins = new Set(users.map((user) => user.login.toLowerCase()));
  const requireUser = (login: string, where: string) =>
    check(userLogins.has(login.toLowerCase()), `${where}: "${login}" is not a seeded user`);
  for (const org of orgs) {
    for (const member of [...org.members, ...org.admins]) requireUser(member, `org ${org.login}`);
  }
  const repos = seed.repos.map((repo) => {
    const where = `repo ${repo.owner}/${repo.name}`;
    check(logins.has(repo.owner.toLowerCase()), `${where}: owner is not a seeded user or org`);
    for (const login of repo.collaborators ?? []) requireUser(login, where);
    for (const issue of repo.issues ?? []) {
      for (const login of [issue.author, ...(issue.assignees ?? [])])
        requireUser(login, `${where}#${issue.title}`);
    }
    return toRepository(repo, ids);
  });
  const fullNames = new Set<string>();
  for (const repo of repos) {
    const key = `${repo.owner}/${repo.name}`.toLowerCase();
    check(!fullNames.has(key), `duplicate repository ${key}`);
    fullNames.add(key);
  }
  return { accounts, repos };
}

function toUser(seed: SeedUser): User {
  return {
    kind: 'User',
    id: seed.id,
    login: seed.login,
    name: seed.name ?? null,
    email: seed.email ?? null,
    company: seed.company ?? null,
    location: seed.location ?? null,
    bio: seed.bio ?? null,
    blog: seed.blog ?? '',
    twitterUsername: seed.twitterUsername ?? null,
    createdAt: seed.createdAt ?? SEED_EPOCH,
  };
}

function toOrganization(seed: SeedOrg): Organization {
  const admins = seed.admins ?? [];
  return {
    kind: 'Organization',
    id: seed.id,
    login: seed.login,
    name: seed.name ?? null,
    description: seed.description ?? null,
    members: [...new Set([...admins, ...(seed.members ?? [])])],
    admins,
    createdAt: seed.createdAt ?? SEED_EPOCH,
  };
}

function toRepository(seed: SeedRepo, ids: IdSequence): Repository {
  const where = `repo ${seed.owner}/${seed.name}`;
  const defaultBranch = seed.defaultBranch ?? 'main';
  const fullName = `${seed.owner}/${seed.name}`;
  const seedBranches = seed.branches ?? [{ name: defaultBranch }];
  check(
    seedBranches.some((branch) => branch.name === defaultBranch),
    `${where}: default branch "${defaultBranch}" missing`,
  );
  const defaultSha = fakeSha(`${fullName}@${defaultBranch}`);
  const branches: Branch[] = seedBranches.map((branch) => {
    const ahead = branch.name === defaultBranch ? 0 : (branch.ahead ?? 0);
    return {
      name: branch.name,
      ahead,
      sha: branch.sha ?? (ahead > 0 ? fakeSha(`${fullName}@${branch.name}`) : defaultSha),
      protected: branch.protected ?? branch.name === defaultBranch,
    };
  });
  const labels: Label[] = (seed.labels ?? GITHUB_DEFAULT_LABELS).map((label) => ({
    id: ids.next(),
    name: label.name,
    color: label.color ?? 'ededed',
    description: label.description ?? null,
    default: seed.labels === undefined,
  }));
  const createdAt = seed.createdAt ?? SEED_EPOCH;
  const pushedAt = seed.pushedAt ?? createdAt;
  const repo: Repository = {
    id: seed.id ?? ids.next(),
    owner: seed.owner,
    name: seed.name,
    private: seed.private ?? false,
    description: seed.description ?? null,
    homepage: seed.homepage ?? null,
    language: seed.language ?? null,
    topics: seed.topics ?? [],
    defaultBranch,
    hasIssues: seed.hasIssues ?? true,
    archived: seed.archived ?? false,
    stars: seed.stars ?? 0,
    forks: seed.forks ?? 0,
    size: 0,
    createdAt,
    updatedAt: seed.updatedAt ?? pushedAt,
    pushedAt,
    collaborators: seed.collaborators ?? [],
    branches,
    labels,
    issues: [],
  };
  let number = 0;
  for (const issue of seed.issues ?? []) {
    number = issue.number ?? number + 1;
    check(
      !repo.issues.some((existing) => existing.number === number),
      `${where}: duplicate issue #${number}`,
    );
    repo.issues.push(toIssue(issue, number, repo, ids));
  }
  repo.issues.sort((a, b) => a.number - b.number);
  return repo;
}

function toIssue(seed: SeedIssue, number: number, repo: Repository, ids: IdSequence): Issue {
  const where = `repo ${repo.owner}/${repo.name}#${number}`;
  for (const label of seed.labels ?? []) {
    check(
      repo.labels.some((existing) => existing.name === label),
      `${where}: label "${label}" is not defined`,
    );
  }
  const state = seed.state ?? 'open';
  const createdAt = seed.createdAt ?? repo.createdAt;
  const closedAt = state === 'closed' ? (seed.closedAt ?? seed.updatedAt ?? createdAt) : null;
  const issue: Issue = {
    id: ids.next(),
    number,
    title: seed.title,
    body: seed.body ?? null,
    state,
    stateReason: seed.stateReason ?? (state === 'closed' ? 'completed' : null),
    author: seed.author,
    assignees: seed.assignees ?? [],
    labels: seed.labels ?? [],
    comments: seed.comments ?? 0,
    locked: seed.locked ?? false,
    createdAt,
    updatedAt: seed.updatedAt ?? closedAt ?? createdAt,
    closedAt,
    pull: null,
  };
  if (seed.pullRequest) {
    const { head, base = repo.defaultBranch, draft = false, merged = false } = seed.pullRequest;
    const baseBranch = repo.branches.find((branch) => branch.name === base);
    check(baseBranch !== undefined, `${where}: base branch "${base}" missing`);
    // A merged pull request's head branch is often deleted afterwards, so only open ones need it.
    const headBranch = repo.branches.find((branch) => branch.name === head);
    check(state === 'closed' || headBranch !== undefined, `${where}: head branch "${head}" missing`);
    issue.pull = {
      id: ids.next(),
      head,
      base,
      headSha: headBranch?.sha ?? fakeSha(`${repo.owner}/${repo.name}@${head}`),
      baseSha: baseBranch!.sha,
      draft,
      mergedAt: merged ? issue.closedAt : null,
      commits: Math.max(headBranch?.ahead ?? 1, 1),
    };
  }
  return issue;
}

/** A stable 40-hex "commit sha" so branch heads look real and survive resets unchanged. */
export function fakeSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`Invalid GitHub emulator seed: ${message}`);
}

import {
  type Account,
  type Branch,
  type Issue,
  type Organization,
  type Permission,
  type PullRequestDetails,
  type Repository,
  timestamp,
  type User,
} from './model.ts';
import { IdSequence, materializeSeed, type SeedData } from './seed.ts';

export interface NewIssue {
  title: string;
  body: string | null;
  author: string;
  assignees: string[];
  labels: string[];
}

export interface NewPullRequest {
  title: string;
  body: string | null;
  author: string;
  head: Branch;
  base: Branch;
  draft: boolean;
}

/** The GitHub data: accounts and repositories with their branches, labels, issues and pull requests. */
export class GitHubStore {
  #accounts = new Map<string, Account>();
  #repos = new Map<string, Repository>();
  #ids = new IdSequence(1);

  constructor(seed: SeedData) {
    this.load(seed);
  }

  /** Replaces everything with a fresh copy of the seed, in place, so held references stay valid. */
  load(seed: SeedData): void {
    // Ids the seed leaves out start far above the hand-picked ones in the fixture.
    this.#ids = new IdSequence(10_000_000);
    const { accounts, repos } = materializeSeed(structuredClone(seed), this.#ids);
    this.#accounts = new Map(accounts.map((account) => [account.login.toLowerCase(), account]));
    this.#repos = new Map(repos.map((repo) => [repoKey(repo.owner, repo.name), repo]));
  }

  /** Logins are case-insensitive on GitHub. */
  account(login: string): Account | undefined {
    return this.#accounts.get(login.toLowerCase());
  }

  user(login: string): User | undefined {
    const account = this.account(login);
    return account?.kind === 'User' ? account : undefined;
  }

  users(): User[] {
    return [...this.#accounts.values()].filter((account): account is User => account.kind === 'User');
  }

  organizations(): Organization[] {
    return [...this.#accounts.values()].filter(
      (account): account is Organization => account.kind === 'Organization',
    );
  }

  repo(owner: string, name: string): Repository | undefined {
    return this.#repos.get(repoKey(owner, name));
  }

  repos(): Repository[] {
    return [...this.#repos.values()];
  }

  /** Repository access as GitHub grants it: owner and org admins admin, collaborators and members write. */
  permission(login: string | null, repo: Repository): Permission | null {
    if (login !== null) {
      const viewer = login.toLowerCase();
      if (repo.owner.toLowerCase() === viewer) return 'admin';
      const owner = this.account(repo.owner);
      if (owner?.kind === 'Organization') {
        if (owner.admins.some((admin) => admin.toLowerCase() === viewer)) return 'admin';
        if (owner.members.some((member) => member.toLowerCase() === viewer)) return 'write';
      }
      if (repo.collaborators.some((collaborator) => collaborator.toLowerCase() === viewer)) return 'write';
    }
    return repo.private ? null : 'read';
  }

  isOrgMember(org: Organization, login: string): boolean {
    return org.members.some((member) => member.toLowerCase() === login.toLowerCase());
  }

  createIssue(repo: Repository, input: NewIssue): Issue {
    const now = timestamp();
    const issue: Issue = {
      id: this.#ids.next(),
      number: nextNumber(repo),
      title: input.title,
      body: input.body,
      state: 'open',
      stateReason: null,
      author: input.author,
      assignees: input.assignees,
      labels: input.labels,
      comments: 0,
      locked: false,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      pull: null,
    };
    repo.issues.push(issue);
    repo.updatedAt = now;
    return issue;
  }

  /**
   * The repository's label of that name (matched case-insensitively), created on the fly if missing as
   * GitHub does when an issue is labelled with a new name. Returns the label's canonical name.
   */
  ensureLabel(repo: Repository, name: string): string {
    const existing = repo.labels.find((label) => label.name.toLowerCase() === name.toLowerCase());
    if (existing) return existing.name;
    repo.labels.push({ id: this.#ids.next(), name, color: 'ededed', description: null, default: false });
    return name;
  }

  createPullRequest(repo: Repository, input: NewPullRequest): Issue & { pull: PullRequestDetails } {
    const issue = this.createIssue(repo, {
      title: input.title,
      body: input.body,
      author: input.author,
      assignees: [],
      labels: [],
    });
    const pull: PullRequestDetails = {
      id: this.#ids.next(),
      head: input.head.name,
      base: input.base.name,
      headSha: input.head.sha,
      baseSha: input.base.sha,
      draft: input.draft,
      mergedAt: null,
      commits: input.head.ahead,
    };
    return Object.assign(issue, { pull });
  }
}

function repoKey(owner: string, name: string): string {
  return `${owner}/${name}`.toLowerCase();
}

/** Issues and pull requests share one sequence of numbers per repository. */
function nextNumber(repo: Repository): number {
  return repo.issues.reduce((max, issue) => Math.max(max, issue.number), 0) + 1;
}

/**
 * The emulator's in-memory model of GitHub. Field names are the emulator's own (camelCase); the
 * REST serializers turn them into api.github.com's snake_case shapes.
 */

export interface User {
  kind: 'User';
  id: number;
  login: string;
  name: string | null;
  email: string | null;
  company: string | null;
  location: string | null;
  bio: string | null;
  blog: string;
  twitterUsername: string | null;
  createdAt: string;
}

export interface Organization {
  kind: 'Organization';
  id: number;
  login: string;
  name: string | null;
  description: string | null;
  /** Logins of all members, admins included. Members can read and push to the org's repositories. */
  members: string[];
  /** Logins of the org's owners, who get admin on its repositories. */
  admins: string[];
  createdAt: string;
}

export type Account = User | Organization;

export interface Branch {
  name: string;
  sha: string;
  /**
   * Commits on this branch that the default branch lacks. GitHub answers "No commits between" when a
   * pull request's head has nothing its base lacks; this count is all the emulator knows of history.
   */
  ahead: number;
  protected: boolean;
}

export interface Label {
  id: number;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

export interface PullRequestDetails {
  /** Pull requests have their own id, distinct from the id of the issue they share a number with. */
  id: number;
  head: string;
  base: string;
  headSha: string;
  baseSha: string;
  draft: boolean;
  mergedAt: string | null;
  commits: number;
}

/** An issue, or a pull request when `pull` is set: on GitHub they share one sequence of numbers. */
export interface Issue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'not_planned' | 'reopened' | null;
  author: string;
  assignees: string[];
  labels: string[];
  comments: number;
  locked: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  pull: PullRequestDetails | null;
}

export interface Repository {
  id: number;
  owner: string;
  name: string;
  private: boolean;
  description: string | null;
  homepage: string | null;
  language: string | null;
  topics: string[];
  defaultBranch: string;
  hasIssues: boolean;
  archived: boolean;
  stars: number;
  forks: number;
  size: number;
  createdAt: string;
  updatedAt: string;
  pushedAt: string;
  /** Users with push access besides the owner (and, for org repositories, the org's members). */
  collaborators: string[];
  branches: Branch[];
  labels: Label[];
  issues: Issue[];
}

/** What a user may do on a repository, as in the `permissions` object of GitHub's repository JSON. */
export type Permission = 'admin' | 'write' | 'read';

/** GitHub's timestamps are ISO 8601 in UTC without milliseconds. */
export function timestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

import type { MessageInitShape } from '@bufbuild/protobuf';
import { type Timestamp, timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { github } from '@gatehouse/proto';

// GitHub's JSON → the contract's messages. The input types name only the fields read, so both
// Octokit's response types and the leaner shapes of other endpoints (search) fit them.

type RepositoryMessage = MessageInitShape<typeof github.RepositorySchema>;
type BranchMessage = MessageInitShape<typeof github.BranchSchema>;
type IssueMessage = MessageInitShape<typeof github.IssueSchema>;
type PullRequestMessage = MessageInitShape<typeof github.PullRequestSchema>;
type ViewerMessage = MessageInitShape<typeof github.ViewerSchema>;

interface Account {
  login: string;
}

export interface GitHubUser extends Account {
  id: number;
  name?: string | null;
  avatar_url: string;
  html_url: string;
}

export interface GitHubRepository {
  id: number;
  name: string;
  full_name: string;
  owner: Account;
  description: string | null;
  private: boolean;
  visibility?: string;
  language?: string | null;
  default_branch?: string;
  open_issues_count?: number;
  stargazers_count?: number;
  html_url: string;
  updated_at?: string | null;
  pushed_at?: string | null;
  archived?: boolean;
  fork: boolean;
}

export interface GitHubBranch {
  name: string;
  commit: { sha: string };
  protected?: boolean;
}

export interface GitHubIssue {
  id: number;
  number: number;
  title: string;
  body?: string | null;
  state: string;
  user: Account | null;
  labels: (string | { name?: string })[];
  assignees?: Account[] | null;
  comments: number;
  html_url: string;
  pull_request?: unknown;
  created_at: string;
  updated_at: string;
  repository_url: string;
}

export interface GitHubPullRequest {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: string;
  draft?: boolean;
  head: { ref: string; label: string; repo: { full_name: string } | null };
  base: { ref: string; repo: { full_name: string } };
  user: Account | null;
  html_url: string;
  created_at: string;
}

export function toViewer(
  user: GitHubUser,
  upstream: { scopes: string[]; maskedToken: string; expiresAt: Date | undefined },
): ViewerMessage {
  return {
    login: user.login,
    id: BigInt(user.id),
    name: user.name ?? '',
    avatarUrl: user.avatar_url,
    htmlUrl: user.html_url,
    upstreamScopes: upstream.scopes,
    maskedToken: upstream.maskedToken,
    upstreamExpiresAt: upstream.expiresAt ? timestampFromDate(upstream.expiresAt) : undefined,
  };
}

/** `X-OAuth-Scopes: repo, read:org` → ['repo', 'read:org']. Absent for tokens that have no scopes (GitHub Apps). */
export function scopesOf(header: string | undefined): string[] {
  return (header ?? '')
    .split(',')
    .map((scope) => scope.trim())
    .filter((scope) => scope.length > 0);
}

export function toRepository(repo: GitHubRepository): RepositoryMessage {
  return {
    id: BigInt(repo.id),
    owner: repo.owner.login,
    name: repo.name,
    fullName: repo.full_name,
    description: repo.description ?? '',
    private: repo.private,
    visibility: repo.visibility ?? (repo.private ? 'private' : 'public'),
    language: repo.language ?? '',
    defaultBranch: repo.default_branch ?? '',
    openIssuesCount: repo.open_issues_count ?? 0,
    stargazersCount: repo.stargazers_count ?? 0,
    htmlUrl: repo.html_url,
    updatedAt: timestamp(repo.updated_at),
    pushedAt: timestamp(repo.pushed_at),
    archived: repo.archived ?? false,
    fork: repo.fork,
  };
}

export function toBranch(branch: GitHubBranch): BranchMessage {
  return { name: branch.name, commitSha: branch.commit.sha, protected: branch.protected ?? false };
}

/** Issues and search results: GitHub marks a pull request among them by its `pull_request` object. */
export function toIssue(issue: GitHubIssue): IssueMessage {
  return {
    id: BigInt(issue.id),
    number: issue.number,
    title: issue.title,
    body: issue.body ?? '',
    state: issue.state,
    author: issue.user?.login ?? '',
    labels: issue.labels.flatMap((label) => {
      const name = typeof label === 'string' ? label : label.name;
      return name ? [name] : [];
    }),
    assignees: (issue.assignees ?? []).map((assignee) => assignee.login),
    comments: issue.comments,
    htmlUrl: issue.html_url,
    isPullRequest: issue.pull_request !== undefined && issue.pull_request !== null,
    createdAt: timestamp(issue.created_at),
    updatedAt: timestamp(issue.updated_at),
    repository: repositoryOf(issue.repository_url),
  };
}

export function toPullRequest(pull: GitHubPullRequest): PullRequestMessage {
  // A head in another repository (a fork) is only unambiguous as owner:branch.
  const sameRepository = pull.head.repo?.full_name === pull.base.repo.full_name;
  return {
    id: BigInt(pull.id),
    number: pull.number,
    title: pull.title,
    body: pull.body ?? '',
    state: pull.state,
    draft: pull.draft ?? false,
    head: sameRepository ? pull.head.ref : pull.head.label,
    base: pull.base.ref,
    author: pull.user?.login ?? '',
    htmlUrl: pull.html_url,
    createdAt: timestamp(pull.created_at),
  };
}

/** `https://api.github.com/repos/octocat/hello` (or a GHES `/api/v3/repos/…`) → `octocat/hello`. */
function repositoryOf(url: string): string {
  const match = /\/repos\/([^/]+)\/([^/]+)\/?$/.exec(url);
  return match ? `${match[1]}/${match[2]}` : '';
}

function timestamp(value: string | null | undefined): Timestamp | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : timestampFromDate(date);
}

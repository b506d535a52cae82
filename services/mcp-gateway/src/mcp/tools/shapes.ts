import { type Timestamp, timestampDate } from '@bufbuild/protobuf/wkt';
import type { github } from '@gatehouse/proto';
import { z } from 'zod';

// The structuredContent shapes the tools return, with the worker's messages mapped onto them.
// Field names follow GitHub's REST API (snake_case), which models already know.

const isoDate = z.string().describe('ISO 8601 timestamp');

function iso(timestamp: Timestamp | undefined): string | null {
  return timestamp ? timestampDate(timestamp).toISOString() : null;
}

export const repositorySchema = z.object({
  full_name: z.string(),
  owner: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  visibility: z.string().describe('public, private or internal'),
  language: z.string().nullable(),
  default_branch: z.string(),
  open_issues_count: z.number().int(),
  stargazers_count: z.number().int(),
  archived: z.boolean(),
  fork: z.boolean(),
  html_url: z.string(),
  updated_at: isoDate.nullable(),
  pushed_at: isoDate.nullable(),
});
export type RepositoryOut = z.output<typeof repositorySchema>;

export function repositoryOut(repository: github.Repository): RepositoryOut {
  return {
    full_name: repository.fullName,
    owner: repository.owner,
    name: repository.name,
    description: repository.description || null,
    visibility: repository.visibility || (repository.private ? 'private' : 'public'),
    language: repository.language || null,
    default_branch: repository.defaultBranch,
    open_issues_count: repository.openIssuesCount,
    stargazers_count: repository.stargazersCount,
    archived: repository.archived,
    fork: repository.fork,
    html_url: repository.htmlUrl,
    updated_at: iso(repository.updatedAt),
    pushed_at: iso(repository.pushedAt),
  };
}

/** Longest body excerpt in list results: enough to triage, short enough to keep lists light. */
export const BODY_EXCERPT_CHARS = 280;

export const issueSchema = z.object({
  repository: z.string().describe('owner/name'),
  number: z.number().int(),
  title: z.string(),
  state: z.string(),
  is_pull_request: z.boolean(),
  author: z.string(),
  labels: z.array(z.string()),
  assignees: z.array(z.string()),
  comments: z.number().int(),
  body_excerpt: z.string().describe(`the first ${BODY_EXCERPT_CHARS} characters of the body`),
  html_url: z.string(),
  created_at: isoDate.nullable(),
  updated_at: isoDate.nullable(),
});
export type IssueOut = z.output<typeof issueSchema>;

function excerpt(body: string): string {
  return body.length <= BODY_EXCERPT_CHARS ? body : `${body.slice(0, BODY_EXCERPT_CHARS - 1)}…`;
}

export function issueOut(issue: github.Issue, repository: string): IssueOut {
  return {
    repository: issue.repository || repository,
    number: issue.number,
    title: issue.title,
    state: issue.state,
    is_pull_request: issue.isPullRequest,
    author: issue.author,
    labels: [...issue.labels],
    assignees: [...issue.assignees],
    comments: issue.comments,
    body_excerpt: excerpt(issue.body),
    html_url: issue.htmlUrl,
    created_at: iso(issue.createdAt),
    updated_at: iso(issue.updatedAt),
  };
}

export const createdIssueSchema = z.object({
  repository: z.string(),
  number: z.number().int(),
  title: z.string(),
  state: z.string(),
  author: z.string(),
  labels: z.array(z.string()),
  assignees: z.array(z.string()),
  html_url: z.string(),
  created_at: isoDate.nullable(),
});

export function createdIssueOut(
  issue: github.Issue,
  repository: string,
): z.output<typeof createdIssueSchema> {
  return {
    repository: issue.repository || repository,
    number: issue.number,
    title: issue.title,
    state: issue.state,
    author: issue.author,
    labels: [...issue.labels],
    assignees: [...issue.assignees],
    html_url: issue.htmlUrl,
    created_at: iso(issue.createdAt),
  };
}

export const pullRequestSchema = z.object({
  repository: z.string(),
  number: z.number().int(),
  title: z.string(),
  state: z.string(),
  draft: z.boolean(),
  head: z.string(),
  base: z.string(),
  author: z.string(),
  html_url: z.string(),
  created_at: isoDate.nullable(),
});

export function pullRequestOut(
  pull: github.PullRequest,
  repository: string,
): z.output<typeof pullRequestSchema> {
  return {
    repository,
    number: pull.number,
    title: pull.title,
    state: pull.state,
    draft: pull.draft,
    head: pull.head,
    base: pull.base,
    author: pull.author,
    html_url: pull.htmlUrl,
    created_at: iso(pull.createdAt),
  };
}

export const nextCursorSchema = z
  .string()
  .nullable()
  .describe('pass as `cursor` to get the next page; null on the last page');

export { iso };

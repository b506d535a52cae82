import type { Issue, PullRequestDetails, Repository } from '../../state/model.ts';
import { renderLogin } from './accounts.ts';
import { nodeId, type RenderContext } from './context.ts';
import { authorAssociation, renderIssue } from './issues.ts';
import { renderRepo } from './repos.ts';

/** The pull request object of the pulls API; `issue.pull` must be set. */
export function renderPull(
  ctx: RenderContext,
  repo: Repository,
  issue: Issue & { pull: PullRequestDetails },
) {
  const { pull } = issue;
  const asIssue = renderIssue(ctx, repo, issue);
  const repoUrl = `${ctx.api}/repos/${repo.owner}/${repo.name}`;
  const url = `${repoUrl}/pulls/${issue.number}`;
  const htmlUrl = asIssue.html_url;
  const ref = (name: string, sha: string) => ({
    label: `${repo.owner}:${name}`,
    ref: name,
    sha,
    user: renderLogin(ctx, repo.owner),
    repo: renderRepo(ctx, repo),
  });
  const merged = pull.mergedAt !== null;
  return {
    url,
    id: pull.id,
    node_id: nodeId('PullRequest', pull.id),
    html_url: htmlUrl,
    diff_url: `${htmlUrl}.diff`,
    patch_url: `${htmlUrl}.patch`,
    issue_url: asIssue.url,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${repoUrl}/pulls/comments{/number}`,
    comments_url: asIssue.comments_url,
    statuses_url: `${repoUrl}/statuses/${pull.headSha}`,
    number: issue.number,
    state: issue.state,
    locked: issue.locked,
    title: issue.title,
    user: asIssue.user,
    body: issue.body,
    labels: asIssue.labels,
    milestone: null,
    active_lock_reason: null,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: null,
    assignee: asIssue.assignee,
    assignees: asIssue.assignees,
    requested_reviewers: [],
    requested_teams: [],
    head: ref(pull.head, pull.headSha),
    base: ref(pull.base, pull.baseSha),
    _links: {
      self: { href: url },
      html: { href: htmlUrl },
      issue: { href: asIssue.url },
      comments: { href: asIssue.comments_url },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${repoUrl}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${repoUrl}/statuses/${pull.headSha}` },
    },
    author_association: authorAssociation(ctx, repo, issue.author),
    auto_merge: null,
    draft: pull.draft,
    merged,
    mergeable: merged ? null : true,
    rebaseable: merged ? null : true,
    mergeable_state: merged ? 'unknown' : pull.draft ? 'draft' : 'clean',
    merged_by: null,
    comments: issue.comments,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: pull.commits,
    additions: pull.commits * 10,
    deletions: pull.commits * 2,
    changed_files: pull.commits,
  };
}

export function isPullRequest(issue: Issue): issue is Issue & { pull: PullRequestDetails } {
  return issue.pull !== null;
}

import type { Issue, Label, Repository } from '../../state/model.ts';
import { renderLogin } from './accounts.ts';
import { nodeId, type RenderContext } from './context.ts';

export function renderLabel(ctx: RenderContext, repo: Repository, label: Label) {
  return {
    id: label.id,
    node_id: nodeId('Label', label.id),
    url: `${ctx.api}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: label.default,
    description: label.description,
  };
}

/**
 * An issue as the issues and search APIs return it. Pull requests come out of those APIs too,
 * marked by a `pull_request` object, because GitHub treats every pull request as an issue.
 */
export function renderIssue(ctx: RenderContext, repo: Repository, issue: Issue) {
  const repoUrl = `${ctx.api}/repos/${repo.owner}/${repo.name}`;
  const url = `${repoUrl}/issues/${issue.number}`;
  const htmlUrl = `${ctx.web}/${repo.owner}/${repo.name}/${issue.pull ? 'pull' : 'issues'}/${issue.number}`;
  const assignees = issue.assignees.map((login) => renderLogin(ctx, login));
  const labels = issue.labels.flatMap((name) => {
    const label = repo.labels.find((candidate) => candidate.name === name);
    return label ? [renderLabel(ctx, repo, label)] : [];
  });
  return {
    url,
    repository_url: repoUrl,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: htmlUrl,
    id: issue.id,
    node_id: nodeId(issue.pull ? 'PullRequest' : 'Issue', issue.pull ? issue.pull.id : issue.id),
    number: issue.number,
    title: issue.title,
    user: renderLogin(ctx, issue.author),
    labels,
    state: issue.state,
    locked: issue.locked,
    assignee: assignees[0] ?? null,
    assignees,
    milestone: null,
    comments: issue.comments,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    author_association: authorAssociation(ctx, repo, issue.author),
    type: null,
    active_lock_reason: null,
    ...(issue.pull
      ? {
          draft: issue.pull.draft,
          pull_request: {
            url: `${repoUrl}/pulls/${issue.number}`,
            html_url: htmlUrl,
            diff_url: `${htmlUrl}.diff`,
            patch_url: `${htmlUrl}.patch`,
            merged_at: issue.pull.mergedAt,
          },
        }
      : {}),
    body: issue.body,
    closed_by: null,
    reactions: {
      url: `${url}/reactions`,
      total_count: 0,
      '+1': 0,
      '-1': 0,
      laugh: 0,
      hooray: 0,
      confused: 0,
      heart: 0,
      rocket: 0,
      eyes: 0,
    },
    timeline_url: `${url}/timeline`,
    performed_via_github_app: null,
    state_reason: issue.stateReason,
  };
}

/** How the author relates to the repository, as GitHub reports it next to every issue. */
export function authorAssociation(ctx: RenderContext, repo: Repository, login: string): string {
  const author = login.toLowerCase();
  if (repo.owner.toLowerCase() === author) return 'OWNER';
  const owner = ctx.store.account(repo.owner);
  if (owner?.kind === 'Organization' && ctx.store.isOrgMember(owner, login)) return 'MEMBER';
  if (repo.collaborators.some((collaborator) => collaborator.toLowerCase() === author)) return 'COLLABORATOR';
  return 'NONE';
}

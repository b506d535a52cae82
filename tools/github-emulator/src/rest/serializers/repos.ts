import type { Branch, Permission, Repository } from '../../state/model.ts';
import { renderLogin, renderSimpleUser } from './accounts.ts';
import { nodeId, type RenderContext } from './context.ts';

/** The repository object of GET /user/repos; `detailed` adds the fields GET /repos/{owner}/{repo} has. */
export function renderRepo(ctx: RenderContext, repo: Repository, detailed = false) {
  const fullName = `${repo.owner}/${repo.name}`;
  const url = `${ctx.api}/repos/${fullName}`;
  const htmlUrl = `${ctx.web}/${fullName}`;
  const openIssues = repo.issues.filter((issue) => issue.state === 'open').length;
  const host = new URL(ctx.web).host;
  const owner = ctx.store.account(repo.owner);
  const permission = ctx.viewer ? ctx.store.permission(ctx.viewer, repo) : null;
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: fullName,
    private: repo.private,
    owner: renderLogin(ctx, repo.owner),
    html_url: htmlUrl,
    description: repo.description,
    fork: false,
    url,
    ...repoLinkTemplates(url),
    created_at: repo.createdAt,
    updated_at: repo.updatedAt,
    pushed_at: repo.pushedAt,
    git_url: `git://${host}/${fullName}.git`,
    ssh_url: `git@${host}:${fullName}.git`,
    clone_url: `${htmlUrl}.git`,
    svn_url: htmlUrl,
    homepage: repo.homepage,
    size: repo.size,
    stargazers_count: repo.stars,
    watchers_count: repo.stars,
    language: repo.language,
    has_issues: repo.hasIssues,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    forks_count: repo.forks,
    mirror_url: null,
    archived: repo.archived,
    disabled: false,
    // Counts open pull requests too, as GitHub's does.
    open_issues_count: openIssues,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: repo.topics,
    visibility: repo.private ? 'private' : 'public',
    forks: repo.forks,
    open_issues: openIssues,
    watchers: repo.stars,
    default_branch: repo.defaultBranch,
    ...(permission ? { permissions: renderPermissions(permission) } : {}),
    ...(detailed
      ? {
          ...(owner?.kind === 'Organization' ? { organization: renderSimpleUser(ctx, owner) } : {}),
          network_count: repo.forks,
          subscribers_count: repo.stars,
        }
      : {}),
  };
}

function renderPermissions(permission: Permission) {
  const write = permission !== 'read';
  return {
    admin: permission === 'admin',
    maintain: permission === 'admin',
    push: write,
    triage: write,
    pull: true,
  };
}

/** The hypermedia URL templates every repository object carries. */
function repoLinkTemplates(url: string) {
  const plain = [
    'forks',
    'teams',
    'hooks',
    'events',
    'tags',
    'languages',
    'stargazers',
    'contributors',
    'subscribers',
    'subscription',
    'merges',
    'downloads',
    'deployments',
  ];
  const templated: Record<string, string> = {
    keys_url: '/keys{/key_id}',
    collaborators_url: '/collaborators{/collaborator}',
    issue_events_url: '/issues/events{/number}',
    assignees_url: '/assignees{/user}',
    branches_url: '/branches{/branch}',
    blobs_url: '/git/blobs{/sha}',
    git_tags_url: '/git/tags{/sha}',
    git_refs_url: '/git/refs{/sha}',
    trees_url: '/git/trees{/sha}',
    statuses_url: '/statuses/{sha}',
    commits_url: '/commits{/sha}',
    git_commits_url: '/git/commits{/sha}',
    comments_url: '/comments{/number}',
    issue_comment_url: '/issues/comments{/number}',
    contents_url: '/contents/{+path}',
    compare_url: '/compare/{base}...{head}',
    archive_url: '/{archive_format}{/ref}',
    issues_url: '/issues{/number}',
    pulls_url: '/pulls{/number}',
    milestones_url: '/milestones{/number}',
    notifications_url: '/notifications{?since,all,participating}',
    labels_url: '/labels{/name}',
    releases_url: '/releases{/id}',
  };
  return {
    ...Object.fromEntries(plain.map((name) => [`${name}_url`, `${url}/${name}`])),
    ...Object.fromEntries(Object.entries(templated).map(([key, path]) => [key, `${url}${path}`])),
  };
}

export function renderBranch(ctx: RenderContext, repo: Repository, branch: Branch) {
  return {
    name: branch.name,
    commit: { sha: branch.sha, url: `${ctx.api}/repos/${repo.owner}/${repo.name}/commits/${branch.sha}` },
    protected: branch.protected,
  };
}

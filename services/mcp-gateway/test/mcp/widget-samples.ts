// Sample structuredContent for the widget tests and screenshots, shaped exactly as the tools
// return it (src/mcp/tools/shapes.ts). Dates are relative to now so the rendered text is stable.

const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

export const repositoriesOutput = {
  repositories: [
    {
      full_name: 'octocat/hello-world',
      owner: 'octocat',
      name: 'hello-world',
      description: 'My first repository on GitHub, now with an MCP gateway in front of it.',
      visibility: 'public',
      language: 'TypeScript',
      default_branch: 'main',
      open_issues_count: 12,
      stargazers_count: 2481,
      archived: false,
      fork: false,
      html_url: 'https://github.com/octocat/hello-world',
      updated_at: ago(2 * 3_600_000),
      pushed_at: ago(2 * 3_600_000),
    },
    {
      full_name: 'octocat/infra',
      owner: 'octocat',
      name: 'infra',
      description: 'Terraform and Kubernetes manifests for the octo fleet.',
      visibility: 'private',
      language: 'Go',
      default_branch: 'main',
      open_issues_count: 1,
      stargazers_count: 7,
      archived: false,
      fork: false,
      html_url: 'https://github.com/octocat/infra',
      updated_at: ago(3 * DAY),
      pushed_at: ago(3 * DAY),
    },
    {
      full_name: 'octo-org/design-notes',
      owner: 'octo-org',
      name: 'design-notes',
      description: null,
      visibility: 'internal',
      language: null,
      default_branch: 'main',
      open_issues_count: 0,
      stargazers_count: 0,
      archived: true,
      fork: false,
      html_url: 'https://github.com/octo-org/design-notes',
      updated_at: ago(45 * DAY),
      pushed_at: ago(45 * DAY),
    },
  ],
  next_cursor: 'eyJwYWdlIjoyfQ',
};

function issue(number: number, title: string, extra: Record<string, unknown> = {}) {
  return {
    repository: 'octocat/hello-world',
    number,
    title,
    state: 'open',
    is_pull_request: false,
    author: 'monalisa',
    labels: [],
    assignees: [],
    comments: 0,
    body_excerpt: '',
    html_url: `https://github.com/octocat/hello-world/issues/${number}`,
    created_at: ago(10 * DAY),
    updated_at: ago(DAY),
    ...extra,
  };
}

export const issuesOutput = {
  repository: 'octocat/hello-world',
  issues: [
    issue(42, 'Token refresh fails after the laptop wakes from sleep', {
      labels: ['bug', 'auth'],
      assignees: ['octocat'],
      comments: 5,
      updated_at: ago(40 * 60_000),
    }),
    issue(41, 'Document how to connect ChatGPT in developer mode', { labels: ['docs'], comments: 2 }),
    issue(39, 'Add a read-only deployment profile', {
      is_pull_request: true,
      html_url: 'https://github.com/octocat/hello-world/pull/39',
      author: 'hubot',
      updated_at: ago(3 * DAY),
    }),
    issue(35, 'Widget list overflows on narrow screens', { state: 'closed', labels: ['ui'], comments: 1 }),
  ],
  next_cursor: null,
};

export const searchOutput = {
  query: 'is:open label:bug',
  total_count: 2,
  incomplete_results: false,
  issues: [issue(42, 'Token refresh fails after the laptop wakes from sleep', { labels: ['bug'] })],
  next_cursor: null,
};

export const createdIssueOutput = {
  kind: 'issue',
  issue: {
    repository: 'octocat/hello-world',
    number: 43,
    title: 'Show the GitHub request id in tool errors',
    state: 'open',
    author: 'octocat',
    labels: ['enhancement'],
    assignees: ['octocat'],
    html_url: 'https://github.com/octocat/hello-world/issues/43',
    created_at: ago(5_000),
  },
};

export const createdPullOutput = {
  kind: 'pull_request',
  pull_request: {
    repository: 'octocat/hello-world',
    number: 44,
    title: 'Retry GitHub secondary rate limits with Retry-After',
    state: 'open',
    draft: true,
    head: 'feature/retry-after',
    base: 'main',
    author: 'octocat',
    html_url: 'https://github.com/octocat/hello-world/pull/44',
    created_at: ago(5_000),
  },
};

export const connectOutput = {
  login: 'octocat',
  name: 'The Octocat',
  html_url: 'https://github.com/octocat',
  avatar_url: 'https://avatars.githubusercontent.com/u/583231',
  scopes: ['repos:read', 'issues:read', 'issues:write'],
  token_expires_at: new Date(Date.now() + 15 * 60_000).toISOString(),
  upstream_scopes: ['repo'],
  masked_upstream_token: 'gho_…x9Qa',
  upstream_token_expires_at: null,
};

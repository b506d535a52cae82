import { github } from '@gatehouse/proto';
import { z } from 'zod';
import { cursor, labels, login, owner, perPage, repo, repositoryName } from './inputs.ts';
import { issueOut, issueSchema, nextCursorSchema } from './shapes.ts';
import { defineTool } from './tool.ts';

export const listIssues = defineTool({
  name: 'list_issues',
  title: 'List issues',
  description:
    "Use to browse a repository's issues, filtered by state, labels or assignee. Pull requests are left out unless include_pull_requests is true. " +
    'Returns number, title, state, labels, assignees and a body excerpt, one page at a time. To search across repositories, use search_issues.',
  scope: 'issues:read',
  writes: false,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  input: z.strictObject({
    owner,
    repo,
    state: z.enum(['open', 'closed', 'all']).default('open'),
    labels: labels.optional().describe('Only issues carrying all of these labels'),
    assignee: z
      .union([login, z.enum(['none', '*'])])
      .optional()
      .describe('A login, "none" for unassigned, "*" for any assignee'),
    include_pull_requests: z.boolean().default(false),
    per_page: perPage,
    cursor,
  }),
  output: z.object({ repository: z.string(), issues: z.array(issueSchema), next_cursor: nextCursorSchema }),
  widget: 'issues',
  invoking: 'Listing issues…',
  invoked: 'Issues listed',
  repositoryOf: repositoryName,
  async run(args, { bus, caller, timeoutMs }) {
    const reply = await bus.request(
      github.GitHubService.method.listIssues,
      {
        caller,
        owner: args.owner,
        repo: args.repo,
        state: args.state,
        labels: args.labels ?? [],
        assignee: args.assignee ?? '',
        includePullRequests: args.include_pull_requests,
        page: { cursor: args.cursor ?? '', perPage: args.per_page },
      },
      { timeoutMs },
    );
    const repository = repositoryName(args);
    const issues = reply.issues.map((issue) => issueOut(issue, repository));
    return {
      structuredContent: { repository, issues, next_cursor: reply.nextCursor || null },
      text:
        issues.length === 0
          ? `No ${args.state === 'all' ? '' : `${args.state} `}issues in ${repository}.`
          : `${issues.length} ${args.state === 'all' ? '' : `${args.state} `}issues in ${repository}${reply.nextCursor ? ' (more available)' : ''}: ${issues
              .slice(0, 10)
              .map((i) => `#${i.number} ${i.title}`)
              .join('; ')}${issues.length > 10 ? '; …' : ''}.`,
      githubRequestId: reply.githubRequestId,
    };
  },
});

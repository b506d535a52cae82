import { github } from '@gatehouse/proto';
import { z } from 'zod';
import { cursor, perPage } from './inputs.ts';
import { issueOut, issueSchema, nextCursorSchema } from './shapes.ts';
import { defineTool } from './tool.ts';

export const searchIssues = defineTool({
  name: 'search_issues',
  title: 'Search issues and pull requests',
  description:
    'Use to find issues or pull requests across repositories with GitHub search syntax, e.g. "is:open is:issue label:bug repo:octocat/hello-world" or "author:@me is:pr". ' +
    'Returns matches with repository, number, title, state and a body excerpt, plus the total count.',
  scope: 'issues:read',
  writes: false,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  input: z.strictObject({
    query: z.string().trim().min(1).max(256).describe('GitHub issue search query'),
    sort: z.enum(['comments', 'reactions', 'created', 'updated']).optional().describe('Default: best match'),
    order: z.enum(['asc', 'desc']).optional(),
    per_page: perPage,
    cursor,
  }),
  output: z.object({
    query: z.string(),
    total_count: z.number().int(),
    incomplete_results: z.boolean(),
    issues: z.array(issueSchema),
    next_cursor: nextCursorSchema,
  }),
  widget: 'issues',
  invoking: 'Searching GitHub…',
  invoked: 'Search done',
  async run(args, { bus, caller, timeoutMs }) {
    const reply = await bus.request(
      github.GitHubService.method.searchIssues,
      {
        caller,
        query: args.query,
        sort: args.sort ?? '',
        order: args.order ?? '',
        page: { cursor: args.cursor ?? '', perPage: args.per_page },
      },
      { timeoutMs },
    );
    const issues = reply.items.map((issue) => issueOut(issue, ''));
    return {
      structuredContent: {
        query: args.query,
        total_count: reply.totalCount,
        incomplete_results: reply.incompleteResults,
        issues,
        next_cursor: reply.nextCursor || null,
      },
      text:
        issues.length === 0
          ? 'No issues or pull requests match.'
          : `${reply.totalCount} matches; showing ${issues.length}: ${issues
              .slice(0, 10)
              .map((i) => `${i.repository}#${i.number} ${i.title}`)
              .join('; ')}${issues.length > 10 ? '; …' : ''}.`,
      githubRequestId: reply.githubRequestId,
    };
  },
});

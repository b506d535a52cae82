import { github } from '@gatehouse/proto';
import { z } from 'zod';
import { cursor, perPage } from './inputs.ts';
import { nextCursorSchema, repositoryOut, repositorySchema } from './shapes.ts';
import { defineTool } from './tool.ts';

export const listRepositories = defineTool({
  name: 'list_repositories',
  title: 'List repositories',
  description:
    'Use to find repositories the user can access (their own, collaborations, organizations). ' +
    'Returns name, visibility, language, open issue count and last update, one page at a time; pass next_cursor back as cursor for more.',
  scope: 'repos:read',
  writes: false,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  input: z.strictObject({
    visibility: z.enum(['all', 'public', 'private']).default('all').describe('Which repositories to include'),
    affiliation: z
      .array(z.enum(['owner', 'collaborator', 'organization_member']))
      .min(1)
      .optional()
      .describe('How the user is related to the repository (default: all three)'),
    sort: z.enum(['created', 'updated', 'pushed', 'full_name']).default('updated'),
    direction: z.enum(['asc', 'desc']).optional().describe('Default: asc for full_name, else desc'),
    per_page: perPage,
    cursor,
  }),
  output: z.object({ repositories: z.array(repositorySchema), next_cursor: nextCursorSchema }),
  widget: 'repositories',
  invoking: 'Listing your repositories…',
  invoked: 'Repositories listed',
  async run(args, { bus, caller, timeoutMs }) {
    const reply = await bus.request(
      github.GitHubService.method.listRepositories,
      {
        caller,
        visibility: args.visibility,
        affiliation: args.affiliation?.join(',') ?? '',
        sort: args.sort,
        direction: args.direction ?? '',
        page: { cursor: args.cursor ?? '', perPage: args.per_page },
      },
      { timeoutMs },
    );
    const repositories = reply.repositories.map(repositoryOut);
    return {
      structuredContent: { repositories, next_cursor: reply.nextCursor || null },
      text:
        repositories.length === 0
          ? 'No repositories found.'
          : `Found ${repositories.length} repositories${reply.nextCursor ? ' (more available)' : ''}: ${repositories
              .slice(0, 10)
              .map((r) => r.full_name)
              .join(', ')}${repositories.length > 10 ? ', …' : ''}.`,
      githubRequestId: reply.githubRequestId,
    };
  },
});

import { github } from '@gatehouse/proto';
import { z } from 'zod';
import { cursor, owner, perPage, repo, repositoryName } from './inputs.ts';
import { nextCursorSchema } from './shapes.ts';
import { defineTool } from './tool.ts';

export const listBranches = defineTool({
  name: 'list_branches',
  title: 'List branches',
  description:
    "Use to see a repository's branches, e.g. to pick the head and base of a pull request. Returns each branch's name, latest commit and whether it is protected.",
  scope: 'repos:read',
  writes: false,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  input: z.strictObject({ owner, repo, per_page: perPage, cursor }),
  output: z.object({
    repository: z.string(),
    branches: z.array(z.object({ name: z.string(), commit_sha: z.string(), protected: z.boolean() })),
    next_cursor: nextCursorSchema,
  }),
  invoking: 'Listing branches…',
  invoked: 'Branches listed',
  repositoryOf: repositoryName,
  async run(args, { bus, caller, timeoutMs }) {
    const reply = await bus.request(
      github.GitHubService.method.listBranches,
      {
        caller,
        owner: args.owner,
        repo: args.repo,
        page: { cursor: args.cursor ?? '', perPage: args.per_page },
      },
      { timeoutMs },
    );
    const branches = reply.branches.map((b) => ({
      name: b.name,
      commit_sha: b.commitSha,
      protected: b.protected,
    }));
    return {
      structuredContent: {
        repository: repositoryName(args),
        branches,
        next_cursor: reply.nextCursor || null,
      },
      text:
        branches.length === 0
          ? `${repositoryName(args)} has no branches.`
          : `${repositoryName(args)} branches: ${branches.map((b) => b.name).join(', ')}${reply.nextCursor ? ', …' : ''}.`,
      githubRequestId: reply.githubRequestId,
    };
  },
});

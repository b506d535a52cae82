import { github } from '@gatehouse/proto';
import { z } from 'zod';
import { owner, repo, repositoryName } from './inputs.ts';
import { repositoryOut, repositorySchema } from './shapes.ts';
import { defineTool } from './tool.ts';

export const getRepository = defineTool({
  name: 'get_repository',
  title: 'Get a repository',
  description:
    'Use when you know a repository (owner and name) and need its details: description, visibility, default branch, language, open issues, stars.',
  scope: 'repos:read',
  writes: false,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  input: z.strictObject({ owner, repo }),
  output: z.object({ repository: repositorySchema }),
  widget: 'repositories',
  invoking: 'Fetching the repository…',
  invoked: 'Repository fetched',
  repositoryOf: repositoryName,
  async run(args, { bus, caller, timeoutMs }) {
    const reply = await bus.request(
      github.GitHubService.method.getRepository,
      { caller, owner: args.owner, repo: args.repo },
      { timeoutMs },
    );
    const repository = repositoryOut(reply);
    return {
      structuredContent: { repository },
      text: `${repository.full_name} (${repository.visibility}), default branch ${repository.default_branch}, ${repository.open_issues_count} open issues.`,
      githubRequestId: reply.githubRequestId,
    };
  },
});

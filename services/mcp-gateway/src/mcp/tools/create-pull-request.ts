import { github } from '@gatehouse/proto';
import { z } from 'zod';
import { branch, owner, repo, repositoryName } from './inputs.ts';
import { pullRequestOut, pullRequestSchema } from './shapes.ts';
import { defineTool } from './tool.ts';

export const createPullRequest = defineTool({
  name: 'create_pull_request',
  title: 'Open a pull request',
  description:
    'Use when the user asks to open a pull request from one existing branch (head) into another (base). ' +
    'Does not create branches or commits. Returns the number and link. Confirm with the user first; each call opens a new pull request.',
  scope: 'pulls:write',
  writes: true,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  input: z.strictObject({
    owner,
    repo,
    head: z
      .string()
      .min(1)
      .max(300)
      .refine((value) => {
        const [fork, name] = value.includes(':') ? value.split(/:(.*)/s) : ['', value];
        return (fork === '' || owner.safeParse(fork).success) && branch.safeParse(name).success;
      }, 'must be a branch name, or owner:branch for a fork')
      .describe('The branch with the changes, or "owner:branch" from a fork'),
    base: branch.describe('The branch to merge into, e.g. "main"'),
    title: z.string().trim().min(1).max(256),
    body: z.string().max(65_536).optional().describe('Markdown'),
    draft: z.boolean().default(false),
  }),
  output: z.object({ kind: z.literal('pull_request'), pull_request: pullRequestSchema }),
  widget: 'created',
  invoking: 'Opening the pull request…',
  invoked: 'Pull request opened',
  repositoryOf: repositoryName,
  async run(args, { bus, caller, timeoutMs }) {
    const reply = await bus.request(
      github.GitHubService.method.createPullRequest,
      {
        caller,
        owner: args.owner,
        repo: args.repo,
        head: args.head,
        base: args.base,
        title: args.title,
        body: args.body ?? '',
        draft: args.draft,
      },
      { timeoutMs },
    );
    const pull = pullRequestOut(reply, repositoryName(args));
    return {
      structuredContent: { kind: 'pull_request' as const, pull_request: pull },
      text: `Opened ${pull.draft ? 'draft ' : ''}pull request ${pull.repository}#${pull.number} (${pull.head} → ${pull.base}): ${pull.html_url}`,
      githubRequestId: reply.githubRequestId,
    };
  },
});

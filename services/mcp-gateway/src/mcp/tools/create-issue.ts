import { github } from '@gatehouse/proto';
import { z } from 'zod';
import { labels, login, owner, repo, repositoryName } from './inputs.ts';
import { createdIssueOut, createdIssueSchema } from './shapes.ts';
import { defineTool } from './tool.ts';

export const createIssue = defineTool({
  name: 'create_issue',
  title: 'Create an issue',
  description:
    'Use when the user asks to open (file, report) an issue in a repository. Creates it in their name and returns its number and link. ' +
    'Confirm the title and repository with the user first; each call creates a new issue.',
  scope: 'issues:write',
  writes: true,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  input: z.strictObject({
    owner,
    repo,
    title: z.string().trim().min(1).max(256),
    body: z.string().max(65_536).optional().describe('Markdown'),
    labels: labels.optional(),
    assignees: z.array(login).max(10).optional().describe('Logins to assign'),
  }),
  output: z.object({ kind: z.literal('issue'), issue: createdIssueSchema }),
  widget: 'created',
  invoking: 'Creating the issue…',
  invoked: 'Issue created',
  repositoryOf: repositoryName,
  async run(args, { bus, caller, timeoutMs }) {
    const reply = await bus.request(
      github.GitHubService.method.createIssue,
      {
        caller,
        owner: args.owner,
        repo: args.repo,
        title: args.title,
        body: args.body ?? '',
        labels: args.labels ?? [],
        assignees: args.assignees ?? [],
      },
      { timeoutMs },
    );
    const issue = createdIssueOut(reply, repositoryName(args));
    return {
      structuredContent: { kind: 'issue' as const, issue },
      text: `Created issue ${issue.repository}#${issue.number}: ${issue.html_url}`,
      githubRequestId: reply.githubRequestId,
    };
  },
});

import type { MessageInitShape } from '@bufbuild/protobuf';
import type { github } from '@gatehouse/proto';
import { toIssue } from '../github/map.ts';
import type { Operation } from './operation.ts';
import { assignees, body, labelNames, repository, title } from './validate.ts';

interface Input {
  owner: string;
  repo: string;
  title: string;
  body: string;
  labels: string[];
  assignees: string[];
}

/**
 * POST /repos/{owner}/{repo}/issues. GitHub silently drops labels and assignees the person may not
 * set (no push access), so the returned issue is what was actually created.
 */
export const createIssue: Operation<
  github.CreateIssueRequest,
  Input,
  MessageInitShape<typeof github.IssueSchema>
> = {
  action: 'creating the issue',
  idempotent: false,
  parse(request) {
    return {
      ...repository(request),
      title: title(request.title),
      body: body(request.body),
      labels: labelNames(request.labels, 'labels', { filter: false }),
      assignees: assignees(request.assignees),
    };
  },
  subject: ({ owner, repo }) => `Repository ${owner}/${repo}`,
  async run({ github }, input) {
    const response = await github.rest.issues.create({
      owner: input.owner,
      repo: input.repo,
      title: input.title,
      ...(input.body ? { body: input.body } : {}),
      ...(input.labels.length > 0 ? { labels: input.labels } : {}),
      ...(input.assignees.length > 0 ? { assignees: input.assignees } : {}),
    });
    return toIssue(response.data);
  },
};

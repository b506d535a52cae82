import type { MessageInitShape } from '@bufbuild/protobuf';
import type { github } from '@gatehouse/proto';
import { toPullRequest } from '../github/map.ts';
import type { Operation } from './operation.ts';
import { body, branchName, headBranch, repository, title } from './validate.ts';

interface Input {
  owner: string;
  repo: string;
  title: string;
  head: string;
  base: string;
  body: string;
  draft: boolean;
}

/**
 * POST /repos/{owner}/{repo}/pulls between existing branches. GitHub's refusals (no commits
 * between the branches, a pull request already open for the head) come back as invalid_request
 * in GitHub's words.
 */
export const createPullRequest: Operation<
  github.CreatePullRequestRequest,
  Input,
  MessageInitShape<typeof github.PullRequestSchema>
> = {
  action: 'opening the pull request',
  idempotent: false,
  parse(request) {
    return {
      ...repository(request),
      title: title(request.title),
      head: headBranch(request.head),
      base: branchName(request.base, 'base'),
      body: body(request.body),
      draft: request.draft,
    };
  },
  subject: ({ owner, repo }) => `Repository ${owner}/${repo}`,
  async run({ github }, input) {
    const response = await github.rest.pulls.create({
      owner: input.owner,
      repo: input.repo,
      title: input.title,
      head: input.head,
      base: input.base,
      draft: input.draft,
      ...(input.body ? { body: input.body } : {}),
    });
    return toPullRequest(response.data);
  },
};

import type { MessageInitShape } from '@bufbuild/protobuf';
import type { github } from '@gatehouse/proto';
import { toRepository } from '../github/map.ts';
import type { Operation } from './operation.ts';
import { repository } from './validate.ts';

/** GET /repos/{owner}/{repo}. */
export const getRepository: Operation<
  github.GetRepositoryRequest,
  { owner: string; repo: string },
  MessageInitShape<typeof github.RepositorySchema>
> = {
  action: 'reading the repository',
  idempotent: true,
  parse: repository,
  subject: ({ owner, repo }) => `Repository ${owner}/${repo}`,
  async run({ github }, { owner, repo }) {
    const response = await github.rest.repos.get({ owner, repo });
    return toRepository(response.data);
  },
};

import type { MessageInitShape } from '@bufbuild/protobuf';
import type { github } from '@gatehouse/proto';
import { toBranch } from '../github/map.ts';
import {
  collectPage,
  encodeCursor,
  nextPageOf,
  type PageRequest,
  pageRequest,
} from '../github/pagination.ts';
import type { Operation } from './operation.ts';
import { repository } from './validate.ts';

interface Input {
  owner: string;
  repo: string;
  page: PageRequest;
}

/** GET /repos/{owner}/{repo}/branches, one page at a time. */
export const listBranches: Operation<
  github.ListBranchesRequest,
  Input,
  MessageInitShape<typeof github.ListBranchesResponseSchema>
> = {
  action: 'listing branches',
  idempotent: true,
  parse(request) {
    const { owner, repo } = repository(request);
    return { owner, repo, page: pageRequest(request.page, { list: 'branches', owner, repo }) };
  },
  subject: ({ owner, repo }) => `Repository ${owner}/${repo}`,
  async run({ github }, { owner, repo, page }) {
    const { items, next } = await collectPage({
      start: page.position,
      perPage: page.perPage,
      maxFetches: 1,
      fetchPage: async (number: number) => {
        const response = await github.rest.repos.listBranches({
          owner,
          repo,
          per_page: page.perPage,
          page: number,
        });
        return { items: response.data, nextPage: nextPageOf(response.headers.link) };
      },
    });
    return { branches: items.map(toBranch), nextCursor: next ? encodeCursor(next, page.fingerprint) : '' };
  },
};

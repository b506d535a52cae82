import type { MessageInitShape } from '@bufbuild/protobuf';
import type { github } from '@gatehouse/proto';
import { toRepository } from '../github/map.ts';
import {
  collectPage,
  encodeCursor,
  nextPageOf,
  type PageRequest,
  pageRequest,
} from '../github/pagination.ts';
import type { Operation } from './operation.ts';
import { oneOf, subsetOf } from './validate.ts';

const VISIBILITIES = ['all', 'public', 'private'] as const;
const AFFILIATIONS = ['owner', 'collaborator', 'organization_member'] as const;
const SORTS = ['created', 'updated', 'pushed', 'full_name'] as const;
const DIRECTIONS = ['asc', 'desc'] as const;

interface Input {
  query: {
    visibility: (typeof VISIBILITIES)[number] | undefined;
    affiliation: string | undefined;
    sort: (typeof SORTS)[number] | undefined;
    direction: (typeof DIRECTIONS)[number] | undefined;
  };
  page: PageRequest;
}

/** GET /user/repos: the repositories the person can see, one page at a time. */
export const listRepositories: Operation<
  github.ListRepositoriesRequest,
  Input,
  MessageInitShape<typeof github.ListRepositoriesResponseSchema>
> = {
  action: 'listing your repositories',
  idempotent: true,
  parse(request) {
    const query = {
      visibility: oneOf(request.visibility, 'visibility', VISIBILITIES),
      affiliation: subsetOf(request.affiliation, 'affiliation', AFFILIATIONS)?.join(','),
      sort: oneOf(request.sort, 'sort', SORTS),
      direction: oneOf(request.direction, 'direction', DIRECTIONS),
    };
    return { query, page: pageRequest(request.page, { list: 'repositories', ...query }) };
  },
  subject: () => 'Your repository list',
  async run({ github }, { query, page }) {
    const { items, next } = await collectPage({
      start: page.position,
      perPage: page.perPage,
      maxFetches: 1,
      fetchPage: async (number: number) => {
        const response = await github.rest.repos.listForAuthenticatedUser({
          ...query,
          per_page: page.perPage,
          page: number,
        });
        return { items: response.data, nextPage: nextPageOf(response.headers.link) };
      },
    });
    return {
      repositories: items.map(toRepository),
      nextCursor: next ? encodeCursor(next, page.fingerprint) : '',
    };
  },
};

import type { MessageInitShape } from '@bufbuild/protobuf';
import type { github } from '@gatehouse/proto';
import { toIssue } from '../github/map.ts';
import {
  collectPage,
  encodeCursor,
  nextPageOf,
  type PageRequest,
  pageRequest,
} from '../github/pagination.ts';
import type { Operation } from './operation.ts';
import { oneOf, searchQuery } from './validate.ts';

/** https://docs.github.com/rest/search/search#search-issues-and-pull-requests */
const SORTS = [
  'comments',
  'reactions',
  'reactions-+1',
  'reactions--1',
  'reactions-smile',
  'reactions-thinking_face',
  'reactions-heart',
  'reactions-tada',
  'interactions',
  'created',
  'updated',
] as const;
const ORDERS = ['asc', 'desc'] as const;

interface Input {
  query: {
    q: string;
    sort: (typeof SORTS)[number] | undefined;
    order: (typeof ORDERS)[number] | undefined;
  };
  page: PageRequest;
}

/** GET /search/issues: GitHub's search syntax, passed through; GitHub answers only the first 1,000 hits. */
export const searchIssues: Operation<
  github.SearchIssuesRequest,
  Input,
  MessageInitShape<typeof github.SearchIssuesResponseSchema>
> = {
  action: 'searching issues',
  idempotent: true,
  parse(request) {
    const query = {
      q: searchQuery(request.query),
      sort: oneOf(request.sort, 'sort', SORTS),
      order: oneOf(request.order, 'order', ORDERS),
    };
    return { query, page: pageRequest(request.page, { list: 'search', ...query }) };
  },
  subject: () => 'A repository or account named in the query',
  async run({ github }, { query, page }) {
    let totalCount = 0;
    let incompleteResults = false;
    const { items, next } = await collectPage({
      start: page.position,
      perPage: page.perPage,
      maxFetches: 1,
      fetchPage: async (number: number) => {
        const response = await github.rest.search.issuesAndPullRequests({
          ...query,
          per_page: page.perPage,
          page: number,
        });
        totalCount = response.data.total_count;
        incompleteResults = response.data.incomplete_results;
        return { items: response.data.items, nextPage: nextPageOf(response.headers.link) };
      },
    });
    return {
      totalCount,
      incompleteResults,
      items: items.map(toIssue),
      nextCursor: next ? encodeCursor(next, page.fingerprint) : '',
    };
  },
};

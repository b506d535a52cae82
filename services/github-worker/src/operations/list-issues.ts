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
import { assigneeFilter, labelNames, oneOf, repository } from './validate.ts';

const STATES = ['open', 'closed', 'all'] as const;

/**
 * At most this many GitHub pages are read to fill one page of issues when pull requests are left
 * out (GitHub lists them among the issues, where they can crowd a page), so the deadline stays in reach.
 */
const MAX_FETCHES_WITHOUT_PULL_REQUESTS = 3;

interface Input {
  owner: string;
  repo: string;
  query: {
    state: (typeof STATES)[number] | undefined;
    labels: string | undefined;
    assignee: string | undefined;
  };
  includePullRequests: boolean;
  page: PageRequest;
}

/** GET /repos/{owner}/{repo}/issues; pull requests (which GitHub lists as issues) only when asked for. */
export const listIssues: Operation<
  github.ListIssuesRequest,
  Input,
  MessageInitShape<typeof github.ListIssuesResponseSchema>
> = {
  action: 'listing issues',
  idempotent: true,
  parse(request) {
    const { owner, repo } = repository(request);
    const labels = labelNames(request.labels, 'labels', { filter: true });
    const query = {
      state: oneOf(request.state, 'state', STATES),
      labels: labels.length > 0 ? labels.join(',') : undefined,
      assignee: assigneeFilter(request.assignee),
    };
    const includePullRequests = request.includePullRequests;
    return {
      owner,
      repo,
      query,
      includePullRequests,
      page: pageRequest(request.page, { list: 'issues', owner, repo, ...query, includePullRequests }),
    };
  },
  subject: ({ owner, repo }) => `Repository ${owner}/${repo}`,
  async run({ github }, { owner, repo, query, includePullRequests, page }) {
    const { items, next } = await collectPage({
      start: page.position,
      perPage: page.perPage,
      maxFetches: includePullRequests ? 1 : MAX_FETCHES_WITHOUT_PULL_REQUESTS,
      keep: (issue) => includePullRequests || !issue.pull_request,
      fetchPage: async (number: number) => {
        const response = await github.rest.issues.listForRepo({
          owner,
          repo,
          ...query,
          per_page: page.perPage,
          page: number,
        });
        return { items: response.data, nextPage: nextPageOf(response.headers.link) };
      },
    });
    return { issues: items.map(toIssue), nextCursor: next ? encodeCursor(next, page.fingerprint) : '' };
  },
};

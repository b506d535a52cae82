import { Router } from 'express';
import type { EmulatorState } from '../emulator-state.ts';
import type { Issue, Repository } from '../state/model.ts';
import { canSeeRepo } from './access.ts';
import { acceptScopes, viewerOf } from './auth.ts';
import { validationFailed } from './errors.ts';
import { paginate } from './pagination.ts';
import { queryChoice, queryString } from './params.ts';
import { sendJson } from './respond.ts';
import { matchesQuery, namedScopes, parseSearchQuery } from './search-query.ts';
import { renderContext } from './serializers/context.ts';
import { renderIssue } from './serializers/issues.ts';
import { sortItems } from './sort.ts';

const SEARCH_DOCS = 'https://docs.github.com/rest/search/search#search-issues-and-pull-requests';

/** GitHub stops at the first 1,000 results of any search. */
const MAX_RESULTS = 1000;

/** GET /search/issues over the issues and pull requests of every repository the caller can see. */
export function searchRoutes(state: EmulatorState): Router {
  const router = Router();

  router.get('/search/issues', (req, res) => {
    acceptScopes(res);
    const q = queryString(req, 'q');
    if (!q) throw validationFailed([{ resource: 'Search', field: 'q', code: 'missing' }], SEARCH_DOCS);
    const query = parseSearchQuery(q);
    const viewer = viewerOf(res);
    const visible = state.store.repos().filter((repo) => canSeeRepo(state, viewer, repo));

    // Naming a repository or account that does not exist, or that the caller cannot see, is an error.
    const named = namedScopes(query);
    const unknownRepo = named.repos.some((name) => !visible.some((repo) => sameName(repo, name)));
    const unknownOwner = named.owners.some((login) => !state.store.account(login));
    if (unknownRepo || unknownOwner) {
      throw validationFailed(
        [
          {
            message:
              'The listed users and repositories cannot be searched either because the resources do not exist or you do not have permission to view them.',
            resource: 'Search',
            field: 'q',
            code: 'invalid',
          },
        ],
        SEARCH_DOCS,
      );
    }

    const hits: { repo: Repository; issue: Issue }[] = visible.flatMap((repo) =>
      repo.issues.filter((issue) => matchesQuery(query, repo, issue)).map((issue) => ({ repo, issue })),
    );
    // Without `sort` GitHub orders by "best match"; the emulator's best match is newest first.
    const sort = queryChoice(
      req,
      'sort',
      ['created', 'updated', 'comments', 'best-match'] as const,
      'best-match',
    );
    const order = queryChoice(req, 'order', ['asc', 'desc'] as const, 'desc');
    const keys: Record<typeof sort, (hit: { issue: Issue }) => string | number> = {
      'best-match': (hit) => hit.issue.createdAt,
      created: (hit) => hit.issue.createdAt,
      updated: (hit) => hit.issue.updatedAt,
      comments: (hit) => hit.issue.comments,
    };
    const sorted = sortItems(hits, keys[sort], order);
    const ctx = renderContext(req, state.store, viewer);
    const items = paginate(req, res, sorted.slice(0, MAX_RESULTS)).map(({ repo, issue }) => ({
      ...renderIssue(ctx, repo, issue),
      score: 1,
    }));
    sendJson(req, res, { total_count: sorted.length, incomplete_results: false, items });
  });

  return router;
}

function sameName(repo: Repository, fullName: string): boolean {
  return `${repo.owner}/${repo.name}`.toLowerCase() === fullName.toLowerCase();
}

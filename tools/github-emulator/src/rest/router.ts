import express, { Router } from 'express';
import type { EmulatorState } from '../emulator-state.ts';
import { authenticate } from './auth.ts';
import { restErrorHandler, unknownRoute } from './errors.ts';
import { issueRoutes } from './issues.ts';
import { pullRoutes } from './pulls.ts';
import { rateLimitStatus, rateLimits } from './rate-limit.ts';
import { repoRoutes } from './repos.ts';
import { sendJson } from './respond.ts';
import { searchRoutes } from './search.ts';
import { userRoutes } from './users.ts';

/** The REST API: authentication, then rate limits, then the endpoints; unknown routes get GitHub's 404. */
export function restApi(state: EmulatorState): Router {
  const router = Router();
  // GitHub reads request bodies as JSON whatever their Content-Type says.
  router.use(express.json({ type: () => true, limit: '1mb' }));
  router.use(authenticate(state));

  // Asking for the rate limit does not count against it.
  router.get('/rate_limit', (req, res) => {
    const resources = rateLimitStatus(state, req, res);
    sendJson(req, res, { resources, rate: resources.core });
  });

  router.use(rateLimits(state));
  router.use(
    userRoutes(state),
    repoRoutes(state),
    issueRoutes(state),
    pullRoutes(state),
    searchRoutes(state),
  );
  router.use(unknownRoute);
  router.use(restErrorHandler);
  return router;
}

import express, { type Express } from 'express';
import { controlRoutes } from './control.ts';
import { EmulatorState } from './emulator-state.ts';
import { accessTokenRoutes } from './oauth/access-token.ts';
import { authorizeRoutes } from './oauth/authorize.ts';
import type { EmulatorOptions } from './options.ts';
import { requestId } from './request-id.ts';
import { latencyAndFaults } from './rest/faults.ts';
import { restApi } from './rest/router.ts';

/**
 * The emulator as an Express app: control API, then (behind simulated latency and faults) the OAuth
 * web flow and the REST API, served at the root like api.github.com and under /api/v3 like GHES.
 * Pass `state` to keep a handle on the emulator's memory; one is made from `options` otherwise.
 */
export function createEmulatorApp(
  options: EmulatorOptions = {},
  state = new EmulatorState(options),
): Express {
  const app = express();
  // ETags are GitHub-style and computed by the REST layer, which also refunds 304s to the rate limit.
  app.set('etag', false);
  app.disable('x-powered-by');
  app.use(requestId);
  app.use('/_emulator', controlRoutes(state));
  app.use(latencyAndFaults(state));
  app.use(authorizeRoutes(state), accessTokenRoutes(state));
  const api = restApi(state);
  app.use('/api/v3', api);
  app.use(api);
  return app;
}

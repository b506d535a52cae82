import express, { type Express } from 'express';
import helmet from 'helmet';
import { createAdminModule } from './admin/module.ts';
import { trustFunction } from './http/trusted-proxies.ts';
import { createMcpModule } from './mcp/module.ts';
import type { GatewayDeps, GatewayModule } from './module.ts';
import { createOauthModule } from './oauth/module.ts';

export type { GatewayDeps } from './module.ts';

export interface Gateway {
  app: Express;
  modules: GatewayModule[];
}

/** The public HTTP surface. Builds the app only; listening is start.ts's job (tests build it directly). */
export function createGateway(deps: GatewayDeps): Gateway {
  const modules = [createOauthModule(deps), createMcpModule(deps), createAdminModule(deps)];
  const app = express();
  app.disable('x-powered-by');
  // No ETag on JSON answers: tokens and MCP responses are never cached (no-store), the metadata is
  // small, and hashing every body was ~2 % of a token request's CPU. Static files keep theirs.
  app.set('etag', false);
  // Which peers may set X-Forwarded-For (TRUST_PROXY); req.ip is the client address it implies.
  app.set('trust proxy', trustFunction(deps.config.TRUST_PROXY));
  app.use(helmet());
  for (const module of modules) app.use(module.router);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', error_description: 'No such endpoint.' });
  });
  return { app, modules };
}

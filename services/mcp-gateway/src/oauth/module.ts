import type { GatewayDeps, GatewayModule } from '../module.ts';
import { createPages } from '../pages/render.ts';
import { createOauthContext } from './context.ts';
import { oauthRoutes } from './routes.ts';

/**
 * The public OAuth surface: discovery documents, the authorization, token, revocation,
 * introspection and registration endpoints as thin adapters onto the token and identity
 * services, and the consent and connected-apps pages. It keeps no state of its own beyond the
 * rate-limit counters in Redis and a short JWKS cache.
 */
export function createOauthModule(deps: GatewayDeps): GatewayModule {
  const context = createOauthContext(deps, createPages());
  return { name: 'oauth', router: oauthRoutes(context) };
}

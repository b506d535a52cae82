import { Router } from 'express';
import { publicMetadataCors } from '../../http/cors.ts';
import type { OauthContext } from '../context.ts';
import { JwksCache } from './jwks.ts';
import {
  AUTHORIZATION_SERVER_METADATA_PATHS,
  authorizationServerMetadata,
  JWKS_PATH,
  PROTECTED_RESOURCE_METADATA_PATHS,
  protectedResourceMetadata,
} from './metadata.ts';

/** Metadata changes only with the configuration; clients may cache it for a while. */
const METADATA_CACHE_CONTROL = 'public, max-age=3600';

/** RFC 9728 and RFC 8414 metadata and the JWKS: public, cacheable, readable from any origin. */
export function discoveryRoutes(context: OauthContext): Router {
  const router = Router();
  const cors = publicMetadataCors();
  const resource = JSON.stringify(protectedResourceMetadata(context.settings));
  const server = JSON.stringify(authorizationServerMetadata(context.settings));
  const jwks = new JwksCache(context.bus, {
    ttlMs: context.jwksCacheTtlMs,
    timeoutMs: context.busOptions.timeoutMs,
  });

  for (const path of PROTECTED_RESOURCE_METADATA_PATHS) {
    router.use(path, cors);
    router.get(path, (_req, res) => {
      res.set('Cache-Control', METADATA_CACHE_CONTROL).type('json').send(resource);
    });
  }
  for (const path of AUTHORIZATION_SERVER_METADATA_PATHS) {
    router.use(path, cors);
    router.get(path, (_req, res) => {
      res.set('Cache-Control', METADATA_CACHE_CONTROL).type('json').send(server);
    });
  }
  router.use(JWKS_PATH, cors);
  router.get(JWKS_PATH, async (_req, res) => {
    const document = await jwks.get();
    const maxAge = Math.floor(context.jwksCacheTtlMs / 1000);
    res.set('Cache-Control', `public, max-age=${maxAge}`).type('application/jwk-set+json').json(document);
  });
  return router;
}

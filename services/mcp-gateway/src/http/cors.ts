import cors from 'cors';
import type { RequestHandler } from 'express';

/**
 * Discovery documents and the JWKS are public and carry no credentials: any origin may read
 * them. Browser MCP clients (Inspector) need this, and need to read `WWW-Authenticate`.
 */
export function publicMetadataCors(): RequestHandler {
  return cors({
    origin: '*',
    methods: ['GET', 'HEAD'],
    exposedHeaders: ['WWW-Authenticate'],
    maxAge: 86_400,
  });
}

/**
 * The token, revocation, introspection and registration endpoints answer browser clients only
 * from the configured origins (`*` for any). No cookies are involved (credentials: false): these
 * endpoints authenticate clients by parameters and headers, never by ambient browser state.
 */
export function endpointCors(allowedOrigins: readonly string[]): RequestHandler {
  const anyOrigin = allowedOrigins.includes('*');
  return cors({
    origin: anyOrigin ? '*' : [...allowedOrigins],
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'MCP-Protocol-Version'],
    exposedHeaders: ['WWW-Authenticate'],
    credentials: false,
    maxAge: 600,
  });
}

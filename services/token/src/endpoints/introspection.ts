import { authenticateClient } from '../clients/authentication.ts';
import { tokenError } from '../errors.ts';
import { originFields } from '../events.ts';
import { parameter } from '../grants/grant-type.ts';
import { sha256 } from '../tokens/opaque.ts';
import { looksLikeJwt, verifyAccessToken } from '../tokens/verify.ts';
import type { EndpointRequest, TokenEndpointDeps } from './token.ts';

/** RFC 7662 §2.2. Only `active` when active; everything else is left out. */
export type Introspection =
  | { active: false }
  | {
      active: true;
      tokenType: 'access_token' | 'refresh_token';
      scope: string;
      clientId: string;
      username: string;
      sub: string;
      aud: string;
      iss: string;
      exp: number;
      iat: number;
      jti?: string;
      grantId: string;
    };

const INACTIVE: Introspection = { active: false };

/**
 * RFC 7662. Callers must authenticate with credentials (RFC 7662 §2.1): a public client, which
 * only names itself, may not introspect. A client sees only its own tokens; anything revoked,
 * expired, unknown or another client's is `active: false` (RFC 7662 §2.2).
 */
export async function introspectToken(
  deps: TokenEndpointDeps,
  request: EndpointRequest,
): Promise<Introspection> {
  const { params, authorization, origin } = request;
  const { client, method } = await authenticateClient(deps, params, authorization, [
    deps.settings.issuer,
    deps.settings.tokenEndpoint,
    deps.settings.introspectionEndpoint,
  ]);
  if (method === 'none') {
    throw tokenError('invalid_client', 'Introspection requires client authentication (RFC 7662 §2.1).');
  }
  const token = parameter(params, 'token', { required: true, max: 4_096 });
  const result = looksLikeJwt(token)
    ? await introspectAccessToken(deps, token, client.id)
    : await introspectRefreshToken(deps, token, client.id);
  deps.events.emit({
    type: 'token.token.introspected',
    outcome: 'success',
    clientId: client.id,
    ...(result.active ? { grantId: result.grantId } : {}),
    ...originFields(origin),
    details: { active: result.active, ...(result.active ? { token_type: result.tokenType } : {}) },
  });
  return result;
}

async function introspectAccessToken(
  deps: TokenEndpointDeps,
  token: string,
  clientId: string,
): Promise<Introspection> {
  const claims = await verifyAccessToken(token, deps.keys, deps.settings);
  if (!claims || claims.client_id !== clientId) return INACTIVE;
  // The signature says the token was issued; only the grant says it was not revoked since.
  const grant = await deps.grants.find(claims.gid);
  if (!grant || grant.revokedAt) return INACTIVE;
  return {
    active: true,
    tokenType: 'access_token',
    scope: claims.scope,
    clientId: claims.client_id,
    username: grant.githubLogin,
    sub: claims.sub,
    aud: claims.aud,
    iss: claims.iss,
    exp: claims.exp,
    iat: claims.iat,
    jti: claims.jti,
    grantId: claims.gid,
  };
}

async function introspectRefreshToken(
  deps: TokenEndpointDeps,
  token: string,
  clientId: string,
): Promise<Introspection> {
  const record = await deps.grants.findRefreshToken(sha256(token));
  if (!record?.active || record.grant.clientId !== clientId) return INACTIVE;
  return {
    active: true,
    tokenType: 'refresh_token',
    scope: record.grant.scopes.join(' '),
    clientId: record.grant.clientId,
    username: record.grant.githubLogin,
    sub: record.grant.userId,
    aud: record.grant.resource,
    iss: deps.settings.issuer,
    exp: Math.floor(record.expiresAt.getTime() / 1000),
    iat: Math.floor(record.createdAt.getTime() / 1000),
    grantId: record.grant.id,
  };
}

import { authenticateClient } from '../clients/authentication.ts';
import { originFields } from '../events.ts';
import type { GrantDeps } from '../grants/grant-type.ts';
import { parameter } from '../grants/grant-type.ts';
import { revokeGrant } from '../grants/revocation.ts';
import { sha256 } from '../tokens/opaque.ts';
import { looksLikeJwt, verifyAccessToken } from '../tokens/verify.ts';
import type { EndpointRequest, TokenEndpointDeps } from './token.ts';

type TokenKind = 'access_token' | 'refresh_token';

/**
 * RFC 7009. The client authenticates as at the token endpoint. Revoking either kind of token
 * revokes its grant, which ends every token of it (RFC 7009 §2.1). `token_type_hint` only orders
 * the lookups (it is not trusted). An unknown, invalid or foreign token is answered with success and
 * changes nothing (RFC 7009 §2.2), so the endpoint reveals nothing about tokens it does not own.
 */
export async function revokeToken(deps: TokenEndpointDeps, request: EndpointRequest): Promise<void> {
  const { params, authorization, origin } = request;
  const { client } = await authenticateClient(deps, params, authorization, [
    deps.settings.issuer,
    deps.settings.tokenEndpoint,
    deps.settings.revocationEndpoint,
  ]);
  const token = parameter(params, 'token', { required: true, max: 4_096 });
  const order: TokenKind[] =
    params.token_type_hint === 'access_token'
      ? ['access_token', 'refresh_token']
      : ['refresh_token', 'access_token'];
  let found: { kind: TokenKind; grantId: string } | undefined;
  for (const kind of order) {
    found =
      kind === 'access_token'
        ? await findAccessToken(deps, token, client.id)
        : await findRefreshToken(deps, token, client.id);
    if (found) break;
  }
  const revoked = found ? await revokeGrant(deps, found.grantId, 'token_revoked', origin) : undefined;
  deps.events.emit({
    type: 'token.token.revoked',
    outcome: 'success',
    clientId: client.id,
    ...(found ? { grantId: found.grantId } : {}),
    ...(revoked ? { actor: { userId: revoked.userId, githubLogin: revoked.githubLogin } } : {}),
    ...originFields(origin),
    details: { token_type: found?.kind ?? 'unknown', grant_revoked: Boolean(revoked) },
  });
}

async function findRefreshToken(deps: GrantDeps, token: string, clientId: string) {
  if (looksLikeJwt(token)) return undefined;
  const record = await deps.grants.findRefreshToken(sha256(token));
  return record?.active && record.grant.clientId === clientId
    ? { kind: 'refresh_token' as const, grantId: record.grant.id }
    : undefined;
}

async function findAccessToken(deps: GrantDeps, token: string, clientId: string) {
  const claims = await verifyAccessToken(token, deps.keys, deps.settings);
  return claims && claims.client_id === clientId
    ? { kind: 'access_token' as const, grantId: claims.gid }
    : undefined;
}

import {
  type AuthenticationDeps,
  authenticateClient,
  claimedClientId,
  type EndpointParams,
} from '../clients/authentication.ts';
import { TokenError, tokenError } from '../errors.ts';
import { originFields, type RequestOrigin } from '../events.ts';
import { authorizationCodeGrant } from '../grants/authorization-code.ts';
import type { GrantDeps, GrantTypeHandler, TokenResult } from '../grants/grant-type.ts';
import { refreshTokenGrant } from '../grants/refresh-token.ts';

/** A form-encoded request to an OAuth endpoint, as the gateway passed it on. */
export interface EndpointRequest {
  params: EndpointParams;
  /** The raw Authorization header ("" when absent). */
  authorization: string;
  origin: RequestOrigin;
}

export type TokenEndpointDeps = GrantDeps & AuthenticationDeps;

/** The grant types this server supports, by `grant_type`. */
const GRANT_TYPES: ReadonlyMap<string, GrantTypeHandler> = new Map(
  [authorizationCodeGrant, refreshTokenGrant].map((grant) => [grant.grantType, grant]),
);

/**
 * The token endpoint (RFC 6749 §3.2): the grant type, then client authentication (RFC 6749 §3.2.1),
 * then whether the client registered that grant type, then the grant itself. Every refusal is
 * audited as `token.token.rejected` with its error code.
 */
export async function exchangeToken(deps: TokenEndpointDeps, request: EndpointRequest): Promise<TokenResult> {
  const { params, authorization, origin } = request;
  try {
    const grantType = params.grant_type;
    if (!grantType) throw tokenError('invalid_request', 'grant_type is required.');
    const grant = GRANT_TYPES.get(grantType);
    if (!grant) {
      throw tokenError('unsupported_grant_type', 'grant_type must be authorization_code or refresh_token.');
    }
    const { client } = await authenticateClient(deps, params, authorization, [
      deps.settings.issuer,
      deps.settings.tokenEndpoint,
    ]);
    if (!client.metadata.grant_types.includes(grant.grantType)) {
      throw tokenError(
        'unauthorized_client',
        `The client is not registered for the ${grant.grantType} grant.`,
      );
    }
    return await grant.exchange(deps, { client, params, origin });
  } catch (error) {
    if (error instanceof TokenError) {
      deps.events.emit({
        type: 'token.token.rejected',
        outcome: error.code === 'invalid_client' ? 'denied' : 'failure',
        clientId: claimedClientId(params, authorization),
        ...originFields(origin),
        reason: error.code,
        details: { grant_type: (params.grant_type ?? '').slice(0, 64), description: error.description },
      });
    }
    throw error;
  }
}

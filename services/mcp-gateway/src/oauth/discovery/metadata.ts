import { ALL_SCOPES, CLIENT_ASSERTION_ALGORITHMS } from '@gatehouse/proto';
import type { OauthSettings } from '../settings.ts';

/** Where the protected-resource metadata of `/mcp` lives (RFC 9728 §3.1: path inserted after the well-known prefix). */
export const PROTECTED_RESOURCE_METADATA_PATHS = [
  '/.well-known/oauth-protected-resource/mcp',
  '/.well-known/oauth-protected-resource',
] as const;

/** RFC 8414 §3 for an issuer without a path, and OpenID Connect Discovery 1.0 §4 (MCP 2025-11-25 clients try both). */
export const AUTHORIZATION_SERVER_METADATA_PATHS = [
  '/.well-known/oauth-authorization-server',
  '/.well-known/openid-configuration',
] as const;

export const JWKS_PATH = '/.well-known/jwks.json';

/**
 * Client authentication at the token, revocation and introspection endpoints. `none` is for
 * public clients (PKCE); `private_key_jwt` is what ChatGPT prefers for its metadata-document
 * clients. Introspection needs an authenticated caller (RFC 7662 §2.1), so no `none` there.
 */
const CLIENT_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'];
const AUTHENTICATED_CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

/** RFC 9728 §2: the metadata of the MCP endpoint as a protected resource. */
export function protectedResourceMetadata(settings: OauthSettings) {
  return {
    resource: settings.resource,
    authorization_servers: [settings.issuer],
    scopes_supported: [...ALL_SCOPES],
    bearer_methods_supported: ['header'],
    resource_name: settings.resourceName,
    resource_documentation: settings.resourceDocumentation,
  };
}

/**
 * RFC 8414 §2, plus the OpenID Provider fields the MCP SDK's schema requires when it finds this
 * document at /.well-known/openid-configuration (`subject_types_supported`,
 * `id_token_signing_alg_values_supported`); no ID tokens are issued.
 */
export function authorizationServerMetadata(settings: OauthSettings) {
  const { issuer } = settings;
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    registration_endpoint: `${issuer}/oauth/register`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    jwks_uri: `${issuer}${JWKS_PATH}`,
    scopes_supported: [...ALL_SCOPES],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    token_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGORITHMS,
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    revocation_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGORITHMS,
    introspection_endpoint_auth_methods_supported: AUTHENTICATED_CLIENT_AUTH_METHODS,
    introspection_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGORITHMS,
    client_id_metadata_document_supported: true,
    authorization_response_iss_parameter_supported: true,
    service_documentation: settings.serviceDocumentation,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
  };
}

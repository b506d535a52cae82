import type { token } from '@gatehouse/proto';

/**
 * A client's registration as RFC 7591 §3.2.1 / RFC 7592 §3 JSON: credentials when the token
 * service returned them (a secret or access token is shown once, at registration), then every
 * metadata field that has a value.
 */
export function clientInformationResponse(client: token.RegisteredClient): Record<string, unknown> {
  const metadata = client.metadata;
  const response: Record<string, unknown> = { client_id: client.clientId };
  if (client.clientSecret) {
    response.client_secret = client.clientSecret;
    // REQUIRED whenever a secret is issued; 0 means it does not expire.
    response.client_secret_expires_at = Number(client.clientSecretExpiresAt);
  }
  if (client.clientIdIssuedAt > 0n) response.client_id_issued_at = Number(client.clientIdIssuedAt);
  if (client.registrationAccessToken) response.registration_access_token = client.registrationAccessToken;
  if (client.registrationClientUri) response.registration_client_uri = client.registrationClientUri;
  if (!metadata) return response;
  const fields: Record<string, string | string[]> = {
    redirect_uris: metadata.redirectUris,
    client_name: metadata.clientName,
    token_endpoint_auth_method: metadata.tokenEndpointAuthMethod,
    grant_types: metadata.grantTypes,
    response_types: metadata.responseTypes,
    scope: metadata.scope,
    client_uri: metadata.clientUri,
    logo_uri: metadata.logoUri,
    tos_uri: metadata.tosUri,
    policy_uri: metadata.policyUri,
    contacts: metadata.contacts,
    jwks_uri: metadata.jwksUri,
    software_id: metadata.softwareId,
    software_version: metadata.softwareVersion,
    application_type: metadata.applicationType,
  };
  for (const [name, value] of Object.entries(fields)) if (value.length > 0) response[name] = value;
  if (metadata.jwks) response.jwks = JSON.parse(metadata.jwks);
  return response;
}

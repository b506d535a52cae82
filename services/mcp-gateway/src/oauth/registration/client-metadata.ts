import type { MessageInitShape } from '@bufbuild/protobuf';
import { busError } from '@gatehouse/bus';
import type { token } from '@gatehouse/proto';

type ClientMetadataInit = MessageInitShape<typeof token.ClientMetadataSchema>;

/** RFC 7591 §2 string fields: JSON name → contract field. */
const STRING_FIELDS = {
  client_name: 'clientName',
  token_endpoint_auth_method: 'tokenEndpointAuthMethod',
  scope: 'scope',
  client_uri: 'clientUri',
  logo_uri: 'logoUri',
  tos_uri: 'tosUri',
  policy_uri: 'policyUri',
  jwks_uri: 'jwksUri',
  software_id: 'softwareId',
  software_version: 'softwareVersion',
  application_type: 'applicationType',
} as const;

/** RFC 7591 §2 array-of-string fields. */
const LIST_FIELDS = {
  redirect_uris: 'redirectUris',
  grant_types: 'grantTypes',
  response_types: 'responseTypes',
  contacts: 'contacts',
} as const;

/**
 * Reads a registration (or RFC 7592 update) body into the contract's `ClientMetadata`. Only the
 * JSON types are checked here; what the values mean (allowed redirect URIs, methods, scopes) is
 * the token service's to judge. Fields this server does not know are ignored (RFC 7591 §2), and
 * so is an explicit `null`, which some clients send for unset fields.
 */
export function parseClientMetadata(body: unknown): ClientMetadataInit {
  const json = parseJsonObject(body);
  const metadata: ClientMetadataInit = {};
  for (const [name, field] of Object.entries(STRING_FIELDS)) {
    const value = json[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw busError('invalid_client_metadata', `${name} must be a string.`);
    metadata[field] = value;
  }
  for (const [name, field] of Object.entries(LIST_FIELDS)) {
    const value = json[name];
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      // RFC 7591 §3.2.2: problems with the redirect URIs have their own error code.
      throw busError(
        name === 'redirect_uris' ? 'invalid_redirect_uri' : 'invalid_client_metadata',
        `${name} must be an array of strings.`,
      );
    }
    metadata[field] = value;
  }
  const jwks = json.jwks;
  if (jwks !== undefined && jwks !== null) {
    if (!isObject(jwks) || !Array.isArray(jwks.keys)) {
      throw busError('invalid_client_metadata', 'jwks must be a JWK Set: an object with a keys array.');
    }
    metadata.jwks = JSON.stringify(jwks);
  }
  return metadata;
}

/** The `client_id` and `client_secret` an RFC 7592 §2.2 update echoes back, type-checked. */
export function parseEchoedCredentials(body: unknown): { clientId: string; clientSecret: string } {
  const json = parseJsonObject(body);
  for (const name of ['client_id', 'client_secret']) {
    const value = json[name];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw busError('invalid_client_metadata', `${name} must be a string.`);
    }
  }
  return {
    clientId: typeof json.client_id === 'string' ? json.client_id : '',
    clientSecret: typeof json.client_secret === 'string' ? json.client_secret : '',
  };
}

function parseJsonObject(body: unknown): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(typeof body === 'string' ? body : '');
  } catch {
    throw busError('invalid_client_metadata', 'The request body is not valid JSON.');
  }
  if (!isObject(json)) throw busError('invalid_client_metadata', 'The request body must be a JSON object.');
  return json;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

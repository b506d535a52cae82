import { decodeJwt } from 'jose';
import { tokenError } from '../errors.ts';
import { matchesHash, sha256 } from '../tokens/opaque.ts';
import { type ClientAssertionVerifier, JWT_BEARER_ASSERTION } from './assertion.ts';
import type { AuthMethod, Client } from './client.ts';
import type { ClientDirectory } from './directory.ts';

/** The form parameters of a token, revocation or introspection request. */
export type EndpointParams = Readonly<Record<string, string>>;

export interface AuthenticationDeps {
  directory: ClientDirectory;
  assertions: ClientAssertionVerifier;
}

export interface AuthenticatedClient {
  client: Client;
  method: AuthMethod;
}

/** Credentials as presented, before anything is checked. */
interface Presented {
  method: AuthMethod;
  clientId: string;
  secret?: string;
  assertion?: string;
}

// Compared against when the client has no secret, so the answer takes as long either way.
const NO_SECRET_HASH = sha256('gatehouse: client has no secret');

/**
 * Decodes `Authorization: Basic` credentials (RFC 6749 §2.3.1: client id and secret are each
 * application/x-www-form-urlencoded before being joined with ":" and base64-encoded, RFC 7617).
 * Returns undefined when the header is not a well-formed Basic credential.
 */
export function parseBasicCredentials(header: string): { clientId: string; secret: string } | undefined {
  const match = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) return undefined;
  try {
    const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
    const clientId = formDecode(decoded.slice(0, separator));
    const secret = formDecode(decoded.slice(separator + 1));
    return clientId ? { clientId, secret } : undefined;
  } catch {
    return undefined;
  }
}

/** Which credentials the request carries; more than one method is an error (RFC 6749 §2.3). */
function presentedCredentials(params: EndpointParams, authorization: string): Presented {
  const basic = authorization.trim() !== '';
  const post = params.client_secret !== undefined;
  const jwt = params.client_assertion !== undefined || params.client_assertion_type !== undefined;
  if (Number(basic) + Number(post) + Number(jwt) > 1) {
    throw tokenError('invalid_request', 'Use exactly one client authentication method (RFC 6749 §2.3).');
  }
  if (basic) {
    const credentials = parseBasicCredentials(authorization);
    if (!credentials) {
      throw tokenError(
        'invalid_client',
        'The Authorization header must carry HTTP Basic client credentials.',
      );
    }
    if (params.client_id !== undefined && params.client_id !== credentials.clientId) {
      throw tokenError('invalid_request', 'client_id does not match the client in the Authorization header.');
    }
    return { method: 'client_secret_basic', clientId: credentials.clientId, secret: credentials.secret };
  }
  if (post) {
    if (!params.client_id) throw tokenError('invalid_request', 'client_id is required with client_secret.');
    return { method: 'client_secret_post', clientId: params.client_id, secret: params.client_secret! };
  }
  if (jwt) {
    if (params.client_assertion_type !== JWT_BEARER_ASSERTION) {
      throw tokenError('invalid_client', `client_assertion_type must be ${JWT_BEARER_ASSERTION}.`);
    }
    const assertion = params.client_assertion;
    if (!assertion) throw tokenError('invalid_request', 'client_assertion is required.');
    if (assertion.length > 8_192) throw tokenError('invalid_client', 'The client assertion is too large.');
    let issuer: unknown;
    try {
      issuer = decodeJwt(assertion).iss;
    } catch {
      throw tokenError('invalid_client', 'The client assertion is not a JWT.');
    }
    if (typeof issuer !== 'string' || !issuer) {
      throw tokenError('invalid_client', 'The client assertion must name the client in iss.');
    }
    if (params.client_id !== undefined && params.client_id !== issuer) {
      throw tokenError('invalid_client', 'client_id does not match the client assertion issuer.');
    }
    return { method: 'private_key_jwt', clientId: issuer, assertion };
  }
  if (!params.client_id) {
    throw tokenError(
      'invalid_client',
      'Client authentication is required: send client_id, or client credentials.',
    );
  }
  return { method: 'none', clientId: params.client_id };
}

/**
 * Authenticates the client of a token, revocation or introspection request by the method it
 * registered: `client_secret_basic`, `client_secret_post` (secrets compared as SHA-256 digests in
 * constant time), `private_key_jwt` (RFC 7523), or `none` (a public client names itself). Every
 * failure is `invalid_client` (401, RFC 6749 §5.2) except malformed requests (`invalid_request`).
 * `audiences` are the values an assertion's `aud` may carry.
 */
export async function authenticateClient(
  deps: AuthenticationDeps,
  params: EndpointParams,
  authorization: string,
  audiences: readonly string[],
): Promise<AuthenticatedClient> {
  const presented = presentedCredentials(params, authorization);
  const client = await deps.directory.resolve(presented.clientId);
  if (!client) throw tokenError('invalid_client', 'The client is unknown.');
  const registered = client.metadata.token_endpoint_auth_method;
  if (presented.method !== registered) {
    throw tokenError(
      'invalid_client',
      registered === 'none'
        ? 'The client is public and registered no credentials; send only client_id.'
        : `The client must authenticate with ${registered}.`,
    );
  }
  if (presented.method === 'client_secret_basic' || presented.method === 'client_secret_post') {
    if (!matchesHash(presented.secret ?? '', client.secretHash ?? NO_SECRET_HASH) || !client.secretHash) {
      throw tokenError('invalid_client', 'The client credentials are invalid.');
    }
  } else if (presented.method === 'private_key_jwt') {
    await deps.assertions.verify(client, presented.assertion!, audiences);
  }
  return { client, method: presented.method };
}

/** The client id a request claims, for audit events of requests that failed before authentication. */
export function claimedClientId(params: EndpointParams, authorization: string): string {
  const fromBasic = authorization ? parseBasicCredentials(authorization)?.clientId : undefined;
  let claimed = fromBasic ?? params.client_id ?? '';
  if (!claimed && params.client_assertion) {
    try {
      const issuer = decodeJwt(params.client_assertion).iss;
      claimed = typeof issuer === 'string' ? issuer : '';
    } catch {
      claimed = '';
    }
  }
  return claimed.slice(0, 256);
}

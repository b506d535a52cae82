import type { JSONWebKeySet } from 'jose';
import { tokenError } from '../errors.ts';
import { hostPort } from '../net/host-port.ts';
import { parseRequestedScope } from '../scope.ts';
import { AUTH_METHODS, type AuthMethod, type ClientMetadata, GRANT_TYPES, type GrantType } from './client.ts';

/** What a registration path accepts, since DCR, metadata documents and configuration differ. */
export interface MetadataPolicy {
  authMethods: readonly AuthMethod[];
  /** RFC 7591 §2: `client_secret_basic` when absent from a registration request. */
  defaultAuthMethod: AuthMethod;
  requireClientName: boolean;
  /** Metadata documents must point at a `jwks_uri`; an inline `jwks` is for registered clients. */
  allowInlineJwks: boolean;
  /** Development `host:port` entries allowed over plain http (CIMD_ALLOWED_HOSTS). */
  devHosts: ReadonlySet<string>;
}

export const MAX_CLIENT_NAME = 100;
const MAX_URI = 2_000;
const MAX_REDIRECT_URIS = 20;
const MAX_CONTACTS = 10;
const MAX_JWKS_BYTES = 10_240;
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '[::1]', 'localhost']);
/** Schemes that would run code or read local data in a browser or an OS handler. */
const FORBIDDEN_SCHEMES: ReadonlySet<string> = new Set([
  'javascript:',
  'data:',
  'vbscript:',
  'file:',
  'blob:',
  'about:',
  'filesystem:',
  'view-source:',
  'chrome:',
  'ws:',
  'wss:',
]);
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
// Bidirectional overrides and isolates can make a name on the consent page read as another one.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
const UNSAFE_TEXT = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

/**
 * Why a redirect URI cannot be registered, or undefined when it can. RFC 6749 §3.1.2 (absolute,
 * no fragment), OAuth 2.1 §2.3.1 and RFC 8252 §7 (https; http only on loopback; private-use
 * schemes only for native apps).
 */
export function redirectUriProblem(uri: string, applicationType: 'web' | 'native'): string | undefined {
  if (uri.length === 0) return 'a redirect URI is empty';
  if (uri.length > MAX_URI) return `a redirect URI is longer than ${MAX_URI} characters`;
  if (UNSAFE_TEXT.test(uri) || /\s/.test(uri))
    return 'a redirect URI contains whitespace or control characters';
  if (uri.includes('#')) return `${quote(uri)} must not contain a fragment (RFC 6749 §3.1.2)`;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `${quote(uri)} is not an absolute URI`;
  }
  if (url.username || url.password) return `${quote(uri)} must not contain credentials`;
  if (url.protocol === 'https:' || url.protocol === 'http:') {
    if (!url.hostname) return `${quote(uri)} has no host`;
    if (url.hostname.includes('*')) return `${quote(uri)} must not contain a wildcard`;
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
      return `${quote(uri)} uses http; only loopback hosts (127.0.0.1, [::1], localhost) may, per RFC 8252 §7.3`;
    }
    return undefined;
  }
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return `${quote(uri)} uses a forbidden scheme`;
  if (applicationType !== 'native') {
    return `${quote(uri)} uses a private-use scheme, which requires application_type "native" (RFC 8252 §7.1)`;
  }
  return undefined;
}

/**
 * Whether `requested` is one of `registered`: exact string match (OAuth 2.1 §4.1.1), except that a
 * loopback http redirect URI may use any port (RFC 8252 §7.3), since native apps bind an ephemeral one.
 */
export function isRegisteredRedirectUri(registered: readonly string[], requested: string): boolean {
  if (registered.includes(requested)) return true;
  const wanted = parseLoopback(requested);
  if (!wanted) return false;
  return registered.some((uri) => {
    const candidate = parseLoopback(uri);
    return (
      candidate !== undefined &&
      candidate.hostname === wanted.hostname &&
      candidate.pathname === wanted.pathname &&
      candidate.search === wanted.search
    );
  });
}

function parseLoopback(uri: string): URL | undefined {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && isLoopbackHost(url.hostname) && !uri.includes('#') ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Validates RFC 7591 §2 client metadata (from a registration request, a metadata document or the
 * configuration) and applies the defaults. Unknown members are ignored (RFC 7591 §2). Throws
 * `invalid_redirect_uri` or `invalid_client_metadata` (RFC 7591 §3.2.2) with the precise problem.
 */
export function validateClientMetadata(raw: Record<string, unknown>, policy: MetadataPolicy): ClientMetadata {
  const metadata = new Reader(raw);

  const applicationType = metadata.string('application_type') ?? 'web';
  if (applicationType !== 'web' && applicationType !== 'native') {
    throw invalidMetadata('application_type must be "web" or "native"');
  }

  const redirectUris = metadata.stringList('redirect_uris', 'invalid_redirect_uri');
  if (!redirectUris || redirectUris.length === 0) {
    throw tokenError('invalid_redirect_uri', 'redirect_uris is required and must list at least one URI');
  }
  if (redirectUris.length > MAX_REDIRECT_URIS) {
    throw tokenError('invalid_redirect_uri', `at most ${MAX_REDIRECT_URIS} redirect_uris are accepted`);
  }
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri, applicationType);
    if (problem) throw tokenError('invalid_redirect_uri', problem);
  }

  const authMethod = metadata.string('token_endpoint_auth_method') ?? policy.defaultAuthMethod;
  if (!(AUTH_METHODS as readonly string[]).includes(authMethod)) {
    throw invalidMetadata(
      `token_endpoint_auth_method "${truncate(authMethod)}" is not supported; use one of ${policy.authMethods.join(', ')}`,
    );
  }
  if (!policy.authMethods.includes(authMethod as AuthMethod)) {
    throw invalidMetadata(
      `token_endpoint_auth_method "${authMethod}" is not accepted here; use one of ${policy.authMethods.join(', ')}`,
    );
  }

  // RFC 7591 §2 defaults to authorization_code alone. Gatehouse defaults to both: MCP clients that
  // leave the member out (metadata documents often carry only client_id, client_name and
  // redirect_uris) still expect to stay signed in, and without a refresh token they would send the
  // person back to consent every ACCESS_TOKEN_TTL. A client that lists grant_types gets exactly those.
  const grantTypes = unique(metadata.stringList('grant_types') ?? ['authorization_code', 'refresh_token']);
  for (const grantType of grantTypes) {
    if (!(GRANT_TYPES as readonly string[]).includes(grantType)) {
      throw invalidMetadata(
        `grant_type "${truncate(grantType)}" is not supported; use authorization_code and refresh_token`,
      );
    }
  }
  // RFC 7591 §2.1: response_type "code" goes with grant_type "authorization_code".
  if (!grantTypes.includes('authorization_code')) {
    throw invalidMetadata('grant_types must include authorization_code');
  }
  const responseTypes = unique(metadata.stringList('response_types') ?? ['code']);
  if (responseTypes.length !== 1 || responseTypes[0] !== 'code') {
    throw invalidMetadata('response_types must be ["code"]');
  }

  const clientName = metadata.text('client_name', MAX_CLIENT_NAME);
  if (policy.requireClientName && !clientName) throw invalidMetadata('client_name is required');

  let scope: string | undefined;
  const rawScope = metadata.string('scope');
  if (rawScope !== undefined) {
    const { scopes, unknown } = parseRequestedScope(rawScope);
    if (unknown.length > 0) {
      throw invalidMetadata(`scope "${truncate(unknown[0]!)}" is not supported`);
    }
    scope = scopes.length > 0 ? scopes.join(' ') : undefined;
  }

  const jwksUri = metadata.string('jwks_uri');
  if (jwksUri !== undefined) {
    const problem = fetchableUriProblem(jwksUri, policy.devHosts);
    if (problem) throw invalidMetadata(`jwks_uri ${problem}`);
  }
  const jwks = metadata.jwks('jwks');
  if (jwks && !policy.allowInlineJwks) throw invalidMetadata('jwks is not accepted here; publish a jwks_uri');
  if (jwks && jwksUri) throw invalidMetadata('jwks and jwks_uri must not both be present (RFC 7591 §2)');
  if (authMethod === 'private_key_jwt' && !jwks && !jwksUri) {
    throw invalidMetadata(
      policy.allowInlineJwks
        ? 'private_key_jwt requires jwks or jwks_uri'
        : 'private_key_jwt requires jwks_uri',
    );
  }

  const result: ClientMetadata = {
    redirect_uris: unique(redirectUris),
    token_endpoint_auth_method: authMethod as AuthMethod,
    grant_types: grantTypes as GrantType[],
    response_types: ['code'],
    application_type: applicationType,
  };
  if (scope) result.scope = scope;
  if (clientName) result.client_name = clientName;
  for (const key of ['client_uri', 'logo_uri', 'tos_uri', 'policy_uri'] as const) {
    const value = metadata.string(key);
    if (value === undefined) continue;
    const problem = webUriProblem(value);
    if (problem) throw invalidMetadata(`${key} ${problem}`);
    result[key] = value;
  }
  const contacts = metadata.stringList('contacts');
  if (contacts && contacts.length > 0) {
    if (contacts.length > MAX_CONTACTS)
      throw invalidMetadata(`at most ${MAX_CONTACTS} contacts are accepted`);
    for (const contact of contacts) {
      if (contact.length > 254 || UNSAFE_TEXT.test(contact)) throw invalidMetadata('a contact is not valid');
    }
    result.contacts = unique(contacts);
  }
  if (jwksUri) result.jwks_uri = jwksUri;
  if (jwks) result.jwks = jwks;
  const softwareId = metadata.text('software_id', 200);
  if (softwareId) result.software_id = softwareId;
  const softwareVersion = metadata.text('software_version', 200);
  if (softwareVersion) result.software_version = softwareVersion;
  return result;
}

/** Why a URI the service would fetch (jwks_uri) is not acceptable, or undefined. */
export function fetchableUriProblem(value: string, devHosts: ReadonlySet<string>): string | undefined {
  if (value.length > MAX_URI) return `is longer than ${MAX_URI} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.username || url.password || url.hash) return 'must not contain credentials or a fragment';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && devHosts.has(hostPort(url))) return undefined;
  return 'must be an https URL';
}

function webUriProblem(value: string): string | undefined {
  if (value.length > MAX_URI) return `is longer than ${MAX_URI} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.username || url.password) return 'must not contain credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  return 'must be an https URL';
}

/** Typed access to loosely typed metadata: every wrong type is a precise `invalid_client_metadata`. */
class Reader {
  readonly #raw: Record<string, unknown>;

  constructor(raw: Record<string, unknown>) {
    this.#raw = raw;
  }

  string(key: string): string | undefined {
    const value = this.#raw[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw invalidMetadata(`${key} must be a string`);
    return value;
  }

  /** A human-readable string: bounded, with no control or bidirectional-override characters. */
  text(key: string, max: number): string | undefined {
    const value = this.string(key)?.trim();
    if (!value) return undefined;
    if ([...value].length > max) throw invalidMetadata(`${key} must be at most ${max} characters`);
    if (UNSAFE_TEXT.test(value)) throw invalidMetadata(`${key} must not contain control characters`);
    return value;
  }

  stringList(
    key: string,
    code: 'invalid_client_metadata' | 'invalid_redirect_uri' = 'invalid_client_metadata',
  ): string[] | undefined {
    const value = this.#raw[key];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
      throw tokenError(code, `${key} must be an array of strings`);
    }
    return value as string[];
  }

  jwks(key: string): JSONWebKeySet | undefined {
    const value = this.#raw[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw invalidMetadata(`${key} must be a JWK Set`);
    if (JSON.stringify(value).length > MAX_JWKS_BYTES) {
      throw invalidMetadata(`${key} must be at most ${MAX_JWKS_BYTES} bytes`);
    }
    const keys = (value as { keys?: unknown }).keys;
    if (!Array.isArray(keys) || keys.length === 0 || keys.length > 10) {
      throw invalidMetadata(`${key} must contain between 1 and 10 keys`);
    }
    for (const jwk of keys) {
      if (typeof jwk !== 'object' || jwk === null || typeof (jwk as { kty?: unknown }).kty !== 'string') {
        throw invalidMetadata(`every key in ${key} must be a JWK with a kty`);
      }
      if (PRIVATE_JWK_MEMBERS.some((member) => member in jwk)) {
        throw invalidMetadata(`${key} must contain public keys only`);
      }
    }
    return { keys } as JSONWebKeySet;
  }
}

function invalidMetadata(description: string) {
  return tokenError('invalid_client_metadata', description);
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function truncate(value: string): string {
  return value.length > 60 ? `${value.slice(0, 60)}…` : value;
}

function quote(uri: string): string {
  return `"${truncate(uri)}"`;
}

import { isScope, parseScope, type Scope } from '@gatehouse/proto';
import type { Client } from '../clients/client.ts';
import { type ClientReturn, refuseOnPage, refuseToClient } from '../errors.ts';
import { redirectUriMatches } from './redirect-uri.ts';

/** What the deployment decides for every request. */
export interface AuthorizationPolicy {
  /** PUBLIC_URL without a trailing slash: the `iss` of every response (RFC 9207). */
  issuer: string;
  /** The one protected resource, `${issuer}/mcp` (RFC 8707). */
  resource: string;
  /** Granted when the request names no scope. */
  defaultScopes: readonly Scope[];
}

export type Prompt = 'none' | 'login' | 'consent' | 'select_account';

/** An authorization request that passed every check, ready to be remembered and answered. */
export interface AuthorizationRequest {
  client: Client;
  redirectUri: string;
  state: string | null;
  codeChallenge: string;
  scopes: Scope[];
  resource: string;
  prompt: Prompt[];
}

/** Longest value accepted per parameter; longer ones are refused, never truncated. */
export const MAX_LENGTH = {
  client_id: 2048,
  redirect_uri: 2048,
  state: 2048,
  scope: 1024,
  resource: 2048,
  prompt: 64,
} as const;

/**
 * Scopes OpenID Connect clients add on their own (ChatGPT and Claude request `openid profile email`,
 * Claude adds `offline_access`): tolerated and ignored, never granted. Refresh tokens are issued
 * without `offline_access`.
 */
const IGNORED_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'offline_access']);

const PROMPTS: ReadonlySet<string> = new Set(['none', 'login', 'consent', 'select_account']);

/** RFC 7636 §4.2: BASE64URL(SHA-256(verifier)) is always 43 characters of the base64url alphabet. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** The `client_id` parameter, before the client is looked up. Problems go to an error page. */
export function requireClientId(params: Readonly<Record<string, string>>): string {
  const clientId = params.client_id;
  if (!clientId) throw refuseOnPage('invalid_request', 'The client_id parameter is missing.');
  if (clientId.length > MAX_LENGTH.client_id)
    throw refuseOnPage('invalid_request', 'The client_id is too long.');
  return clientId;
}

/**
 * Validates an authorization request (OAuth 2.1 §4.1.1) against the resolved client, in the order
 * RFC 6749 §4.1.2.1 requires: until the client and the redirect URI are known good, errors are shown
 * on an error page; after that they are sent to the redirect URI with `state` and `iss`.
 */
export function validateAuthorizationRequest(
  params: Readonly<Record<string, string>>,
  client: Client | null,
  policy: AuthorizationPolicy,
): AuthorizationRequest {
  const clientId = requireClientId(params);
  if (!client || client.id !== clientId) {
    throw refuseOnPage('invalid_client', 'The client is not known to this server.', 'client_not_found');
  }
  const redirectUri = checkRedirectUri(params.redirect_uri, client);

  const state = params.state === undefined || params.state === '' ? null : params.state;
  if (state !== null && state.length > MAX_LENGTH.state) {
    // The state cannot be echoed back truncated; the client will refuse this answer for its missing state.
    throw refuseToClient(
      { redirectUri, state: null },
      'invalid_request',
      `The state parameter is longer than ${MAX_LENGTH.state} characters.`,
    );
  }
  const returnTo: ClientReturn = { redirectUri, state };

  checkResponseType(params, client, returnTo);
  const codeChallenge = checkPkce(params, returnTo);
  const resource = checkResource(params.resource, policy, returnTo);
  const scopes = checkScope(params.scope, client, policy, returnTo);
  const prompt = checkPrompt(params.prompt, returnTo);
  return { client, redirectUri, state, codeChallenge, scopes, resource, prompt };
}

/**
 * RFC 6749 §3.1.2.3 / OAuth 2.1 §2.3.2: exact match against a registered URI (loopback ports
 * relaxed), and a missing `redirect_uri` only when the client registered exactly one.
 */
function checkRedirectUri(requested: string | undefined, client: Client): string {
  if (requested === undefined || requested === '') {
    const [only, ...others] = client.redirectUris;
    if (only !== undefined && others.length === 0) return only;
    throw refuseOnPage(
      'invalid_request',
      'The redirect_uri parameter is required: the client registered more than one.',
      'redirect_uri_ambiguous',
    );
  }
  if (requested.length > MAX_LENGTH.redirect_uri) {
    throw refuseOnPage('invalid_request', 'The redirect_uri is too long.', 'redirect_uri_too_long');
  }
  if (!client.redirectUris.some((registered) => redirectUriMatches(registered, requested))) {
    throw refuseOnPage(
      'invalid_request',
      'The redirect_uri is not registered for this client.',
      'redirect_uri_not_registered',
    );
  }
  return requested;
}

function checkResponseType(params: Readonly<Record<string, string>>, client: Client, returnTo: ClientReturn) {
  const responseType = params.response_type;
  if (!responseType)
    throw refuseToClient(returnTo, 'invalid_request', 'The response_type parameter is missing.');
  if (responseType !== 'code') {
    throw refuseToClient(returnTo, 'unsupported_response_type', 'Only response_type=code is supported.');
  }
  // RFC 6749 §4.1.2.1 unauthorized_client: the client registered other response or grant types.
  const responseTypes = client.responseTypes.length > 0 ? client.responseTypes : ['code'];
  const grantTypes = client.grantTypes.length > 0 ? client.grantTypes : ['authorization_code'];
  if (!responseTypes.includes('code') || !grantTypes.includes('authorization_code')) {
    throw refuseToClient(
      returnTo,
      'unauthorized_client',
      'The client is not registered for the authorization code flow.',
    );
  }
  const responseMode = params.response_mode;
  if (responseMode !== undefined && responseMode !== '' && responseMode !== 'query') {
    throw refuseToClient(returnTo, 'invalid_request', 'Only response_mode=query is supported.');
  }
}

/** OAuth 2.1 §4.1.1 and RFC 7636 §4.3: PKCE is required, and only the S256 method is accepted. */
function checkPkce(params: Readonly<Record<string, string>>, returnTo: ClientReturn): string {
  const challenge = params.code_challenge;
  const method = params.code_challenge_method;
  if (!challenge) {
    throw refuseToClient(
      returnTo,
      'invalid_request',
      'PKCE is required: the code_challenge parameter is missing.',
    );
  }
  if (!method) {
    // RFC 7636 §4.3 would default to `plain`, which this server does not accept.
    throw refuseToClient(returnTo, 'invalid_request', 'The code_challenge_method parameter must be S256.');
  }
  if (method !== 'S256') {
    throw refuseToClient(returnTo, 'invalid_request', 'The code_challenge_method must be S256.');
  }
  if (!S256_CHALLENGE.test(challenge)) {
    throw refuseToClient(
      returnTo,
      'invalid_request',
      'The code_challenge must be 43 base64url characters (an S256 challenge).',
    );
  }
  return challenge;
}

/**
 * RFC 8707 §2: the only resource is the MCP endpoint. The same URI with a trailing slash is the same
 * resource (clients send `URL.href`); an absent resource means that one.
 */
function checkResource(resource: string | undefined, policy: AuthorizationPolicy, returnTo: ClientReturn) {
  if (resource === undefined || resource === '') return policy.resource;
  if (
    resource.length <= MAX_LENGTH.resource &&
    (resource === policy.resource || resource === `${policy.resource}/`)
  ) {
    return policy.resource;
  }
  throw refuseToClient(returnTo, 'invalid_target', `The only resource served here is ${policy.resource}.`);
}

/**
 * RFC 6749 §3.3: every scope must be known and, when the client registered a `scope`, within it.
 * OpenID scopes are ignored; no scope at all (after that) means the configured default.
 */
function checkScope(
  scope: string | undefined,
  client: Client,
  policy: AuthorizationPolicy,
  returnTo: ClientReturn,
): Scope[] {
  if (scope !== undefined && scope.length > MAX_LENGTH.scope) {
    throw refuseToClient(returnTo, 'invalid_scope', 'The scope parameter is too long.');
  }
  const requested = parseScope(scope).filter((name) => !IGNORED_SCOPES.has(name));
  const unknown = requested.filter((name) => !isScope(name));
  if (unknown.length > 0) {
    throw refuseToClient(returnTo, 'invalid_scope', `Unknown scope: ${unknown.join(' ')}.`);
  }
  const registered = client.scopes;
  if (requested.length === 0) {
    const scopes = defaultScopes(policy, registered);
    if (scopes.length === 0) throw refuseToClient(returnTo, 'invalid_scope', 'The request names no scope.');
    return scopes;
  }
  const unregistered = registered ? requested.filter((name) => !registered.includes(name)) : [];
  if (unregistered.length > 0) {
    throw refuseToClient(
      returnTo,
      'invalid_scope',
      `The client is not registered for the scope: ${unregistered.join(' ')}.`,
    );
  }
  return requested as Scope[];
}

/** The default scopes, within what the client registered; all of its scopes if none of the defaults. */
function defaultScopes(policy: AuthorizationPolicy, registered: readonly string[] | null): Scope[] {
  if (!registered) return [...policy.defaultScopes];
  const allowed = policy.defaultScopes.filter((name) => registered.includes(name));
  return allowed.length > 0 ? allowed : registered.filter(isScope);
}

/** OpenID Connect Core §3.1.2.1 `prompt`: `none` stands alone; unknown values are ignored. */
function checkPrompt(prompt: string | undefined, returnTo: ClientReturn): Prompt[] {
  if (prompt === undefined || prompt === '') return [];
  if (prompt.length > MAX_LENGTH.prompt)
    throw refuseToClient(returnTo, 'invalid_request', 'The prompt is too long.');
  const values = parseScope(prompt).filter((value): value is Prompt => PROMPTS.has(value));
  if (values.includes('none') && values.length > 1) {
    throw refuseToClient(returnTo, 'invalid_request', 'prompt=none cannot be combined with other values.');
  }
  return values;
}

import { describe, expect, test } from 'vitest';
import type { Client } from '../clients/client.ts';
import { AuthorizationError } from '../errors.ts';
import { clientRedirectUrl } from './client-redirect.ts';
import { type AuthorizationPolicy, validateAuthorizationRequest } from './validate-request.ts';

const policy: AuthorizationPolicy = {
  issuer: 'https://gh.example',
  resource: 'https://gh.example/mcp',
  defaultScopes: ['repos:read', 'issues:read'],
};

const client: Client = {
  id: 'client-1',
  kind: 'registered',
  name: 'Test client',
  uri: '',
  redirectUris: ['https://app.example/cb', 'http://127.0.0.1/callback', 'http://localhost:3000/cb'],
  scopes: null,
  responseTypes: [],
  grantTypes: [],
};

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

const valid = {
  client_id: 'client-1',
  redirect_uri: 'https://app.example/cb',
  response_type: 'code',
  code_challenge: CHALLENGE,
  code_challenge_method: 'S256',
  state: 'xyz',
  scope: 'repos:read',
  resource: 'https://gh.example/mcp',
};

type Params = Record<string, string | undefined>;

function request(overrides: Params = {}, withClient: Client | null = client) {
  const params = Object.fromEntries(
    Object.entries({ ...valid, ...overrides }).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
  return validateAuthorizationRequest(params, withClient, policy);
}

function refusal(run: () => unknown): AuthorizationError {
  try {
    run();
  } catch (error) {
    if (error instanceof AuthorizationError) return error;
    throw error;
  }
  throw new Error('the request was accepted');
}

const long = (n: number) => 'a'.repeat(n);

describe('authorization request validation: errors shown on a page, never redirected', () => {
  // RFC 6749 §4.1.2.1: until client and redirect URI are verified, nothing is sent to the redirect URI.
  test.each<[string, Params, Client | null, string]>([
    ['client_id is missing', { client_id: undefined }, client, 'invalid_request'],
    ['client_id is empty', { client_id: '' }, client, 'invalid_request'],
    ['client_id is oversized', { client_id: long(2049) }, client, 'invalid_request'],
    ['the client is unknown', {}, null, 'invalid_client'],
    ['the resolved client is another one', { client_id: 'client-2' }, client, 'invalid_client'],
    [
      'redirect_uri is missing and several are registered',
      { redirect_uri: undefined },
      client,
      'invalid_request',
    ],
    [
      'redirect_uri is not registered',
      { redirect_uri: 'https://evil.example/cb' },
      client,
      'invalid_request',
    ],
    [
      'redirect_uri gains a trailing slash',
      { redirect_uri: 'https://app.example/cb/' },
      client,
      'invalid_request',
    ],
    ['redirect_uri differs in case', { redirect_uri: 'https://app.example/CB' }, client, 'invalid_request'],
    ['redirect_uri gains a query', { redirect_uri: 'https://app.example/cb?x=1' }, client, 'invalid_request'],
    [
      'redirect_uri gains a fragment',
      { redirect_uri: 'https://app.example/cb#f' },
      client,
      'invalid_request',
    ],
    [
      'redirect_uri is a path-traversal variant',
      { redirect_uri: 'https://app.example/x/../cb' },
      client,
      'invalid_request',
    ],
    [
      'an https redirect_uri changes port',
      { redirect_uri: 'https://app.example:8443/cb' },
      client,
      'invalid_request',
    ],
    [
      'a loopback redirect_uri changes path',
      { redirect_uri: 'http://127.0.0.1:5000/other' },
      client,
      'invalid_request',
    ],
    [
      'a loopback redirect_uri switches to https',
      { redirect_uri: 'https://127.0.0.1:5000/callback' },
      client,
      'invalid_request',
    ],
    [
      'a loopback redirect_uri changes host',
      { redirect_uri: 'http://localhost:5000/callback' },
      client,
      'invalid_request',
    ],
    [
      'a loopback prefix hides another host',
      { redirect_uri: 'http://127.0.0.1.evil.example:5000/callback' },
      client,
      'invalid_request',
    ],
    [
      'a loopback redirect_uri carries userinfo',
      { redirect_uri: 'http://127.0.0.1@evil.example/callback' },
      client,
      'invalid_request',
    ],
    [
      'a loopback port is out of range',
      { redirect_uri: 'http://127.0.0.1:99999/callback' },
      client,
      'invalid_request',
    ],
    [
      'redirect_uri is oversized',
      { redirect_uri: `https://app.example/cb?${long(2048)}` },
      client,
      'invalid_request',
    ],
  ])('%s', (_name, overrides, withClient, error) => {
    const refused = refusal(() => request(overrides, withClient));
    expect(refused.error).toBe(error);
    expect(refused.returnTo).toBeUndefined();
  });

  test('a missing redirect_uri is refused only when it would be ambiguous', () => {
    const single = { ...client, redirectUris: ['https://app.example/cb'] };
    expect(request({ redirect_uri: undefined }, single).redirectUri).toBe('https://app.example/cb');
  });
});

describe('authorization request validation: errors redirected to the client with state', () => {
  const returnTo = { redirectUri: 'https://app.example/cb', state: 'xyz' };

  test.each<[string, Params, string, string]>([
    ['response_type is missing', { response_type: undefined }, 'invalid_request', 'response_type'],
    ['response_type is token (implicit)', { response_type: 'token' }, 'unsupported_response_type', 'code'],
    ['response_type is hybrid', { response_type: 'code id_token' }, 'unsupported_response_type', 'code'],
    ['response_mode is fragment', { response_mode: 'fragment' }, 'invalid_request', 'response_mode'],
    ['code_challenge is missing', { code_challenge: undefined }, 'invalid_request', 'PKCE'],
    [
      'code_challenge_method is missing (plain by default)',
      { code_challenge_method: undefined },
      'invalid_request',
      'S256',
    ],
    ['code_challenge_method is plain', { code_challenge_method: 'plain' }, 'invalid_request', 'S256'],
    ['code_challenge_method is lowercase', { code_challenge_method: 's256' }, 'invalid_request', 'S256'],
    ['code_challenge is 42 characters', { code_challenge: CHALLENGE.slice(1) }, 'invalid_request', '43'],
    ['code_challenge is 44 characters', { code_challenge: `${CHALLENGE}A` }, 'invalid_request', '43'],
    [
      'code_challenge is standard base64',
      { code_challenge: `${CHALLENGE.slice(0, 42)}+` },
      'invalid_request',
      'base64url',
    ],
    [
      'resource is another server',
      { resource: 'https://other.example/mcp' },
      'invalid_target',
      'https://gh.example/mcp',
    ],
    ['resource is the origin only', { resource: 'https://gh.example' }, 'invalid_target', 'resource'],
    ['resource is a sub-path', { resource: 'https://gh.example/mcp/tools' }, 'invalid_target', 'resource'],
    ['resource has a fragment', { resource: 'https://gh.example/mcp#x' }, 'invalid_target', 'resource'],
    [
      'resource has two trailing slashes',
      { resource: 'https://gh.example/mcp//' },
      'invalid_target',
      'resource',
    ],
    ['scope is unknown', { scope: 'repos:read admin:org' }, 'invalid_scope', 'admin:org'],
    ['scope differs in case', { scope: 'Repos:Read' }, 'invalid_scope', 'Repos:Read'],
    ['scope is oversized', { scope: `repos:read ${long(1024)}` }, 'invalid_scope', 'too long'],
    ['prompt=none is combined', { prompt: 'none consent' }, 'invalid_request', 'prompt=none'],
    ['prompt is oversized', { prompt: long(65) }, 'invalid_request', 'prompt'],
  ])('%s → %s', (_name, overrides, error, mentions) => {
    const refused = refusal(() => request(overrides));
    expect(refused.error).toBe(error);
    expect(refused.description).toContain(mentions);
    expect(refused.returnTo).toEqual(returnTo);
  });

  test('a scope the client did not register → invalid_scope', () => {
    const narrow = { ...client, scopes: ['repos:read'] };
    const refused = refusal(() => request({ scope: 'repos:read issues:write' }, narrow));
    expect(refused).toMatchObject({ error: 'invalid_scope', returnTo });
    expect(refused.description).toContain('issues:write');
  });

  test('a client registered for other grant types → unauthorized_client', () => {
    const implicit = { ...client, responseTypes: ['token'] };
    expect(refusal(() => request({}, implicit))).toMatchObject({ error: 'unauthorized_client', returnTo });
    const clientCredentials = { ...client, grantTypes: ['client_credentials'] };
    expect(refusal(() => request({}, clientCredentials))).toMatchObject({
      error: 'unauthorized_client',
      returnTo,
    });
  });

  test('an oversized state is refused without echoing it back', () => {
    const refused = refusal(() => request({ state: long(2049) }));
    expect(refused).toMatchObject({
      error: 'invalid_request',
      returnTo: { redirectUri: 'https://app.example/cb', state: null },
    });
  });

  test('the order of RFC 6749 §4.1.2.1 holds: response_type before PKCE before resource before scope', () => {
    const everything = { response_type: 'token', code_challenge: undefined, resource: 'x', scope: 'nope' };
    expect(refusal(() => request(everything)).error).toBe('unsupported_response_type');
    expect(refusal(() => request({ ...everything, response_type: 'code' })).error).toBe('invalid_request');
    expect(
      refusal(() => request({ ...everything, response_type: 'code', code_challenge: CHALLENGE })).error,
    ).toBe('invalid_target');
    expect(
      refusal(() =>
        request({ ...everything, response_type: 'code', code_challenge: CHALLENGE, resource: undefined }),
      ).error,
    ).toBe('invalid_scope');
  });

  test('the error response carries error, error_description, state and iss (RFC 9207)', () => {
    const refused = refusal(() => request({ code_challenge_method: 'plain' }));
    const url = new URL(
      clientRedirectUrl(policy.issuer, refused.returnTo!, {
        error: refused.error,
        error_description: refused.description,
      }),
    );
    expect(url.origin + url.pathname).toBe('https://app.example/cb');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      error: 'invalid_request',
      error_description: 'The code_challenge_method must be S256.',
      state: 'xyz',
      iss: 'https://gh.example',
    });
  });
});

describe('authorization request validation: what passes', () => {
  test('a complete request passes unchanged', () => {
    expect(request()).toEqual({
      client,
      redirectUri: 'https://app.example/cb',
      state: 'xyz',
      codeChallenge: CHALLENGE,
      scopes: ['repos:read'],
      resource: 'https://gh.example/mcp',
      prompt: [],
    });
  });

  test.each([
    ['http://127.0.0.1:51234/callback'],
    ['http://127.0.0.1/callback'],
    ['http://localhost:49152/cb'],
    ['http://localhost/cb'],
  ])('a loopback redirect URI matches on any port (RFC 8252 §7.3): %s', (redirectUri) => {
    expect(request({ redirect_uri: redirectUri }).redirectUri).toBe(redirectUri);
  });

  test('an IPv6 loopback redirect URI matches on any port', () => {
    const v6 = { ...client, redirectUris: ['http://[::1]/callback'] };
    expect(request({ redirect_uri: 'http://[::1]:8123/callback' }, v6).redirectUri).toBe(
      'http://[::1]:8123/callback',
    );
  });

  test('the resource may be absent or carry one trailing slash; it is kept canonical', () => {
    expect(request({ resource: undefined }).resource).toBe('https://gh.example/mcp');
    expect(request({ resource: 'https://gh.example/mcp/' }).resource).toBe('https://gh.example/mcp');
  });

  test('OpenID scopes are tolerated and not granted', () => {
    expect(request({ scope: 'openid profile email offline_access issues:write' }).scopes).toEqual([
      'issues:write',
    ]);
  });

  test('no scope, or only OpenID scopes, means the default scopes', () => {
    expect(request({ scope: undefined }).scopes).toEqual(['repos:read', 'issues:read']);
    expect(request({ scope: '' }).scopes).toEqual(['repos:read', 'issues:read']);
    expect(request({ scope: 'openid email' }).scopes).toEqual(['repos:read', 'issues:read']);
  });

  test('the default scopes stay within what the client registered', () => {
    expect(
      request({ scope: undefined }, { ...client, scopes: ['issues:read', 'issues:write'] }).scopes,
    ).toEqual(['issues:read']);
    expect(request({ scope: undefined }, { ...client, scopes: ['pulls:write'] }).scopes).toEqual([
      'pulls:write',
    ]);
  });

  test('repeated scope names are granted once', () => {
    expect(request({ scope: 'repos:read  repos:read issues:read' }).scopes).toEqual([
      'repos:read',
      'issues:read',
    ]);
  });

  test('prompt values are parsed; unknown ones are ignored', () => {
    expect(request({ prompt: 'consent login' }).prompt).toEqual(['consent', 'login']);
    expect(request({ prompt: 'none' }).prompt).toEqual(['none']);
    expect(request({ prompt: 'create' }).prompt).toEqual([]);
  });

  test('an empty state is no state', () => {
    expect(request({ state: '' }).state).toBeNull();
    expect(request({ state: undefined }).state).toBeNull();
  });
});

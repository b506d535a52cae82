import { describe, expect, test } from '@gatehouse/testing';
import { TokenError } from '../errors.ts';
import { AUTH_METHODS } from './client.ts';
import {
  isRegisteredRedirectUri,
  type MetadataPolicy,
  redirectUriProblem,
  validateClientMetadata,
} from './validation.ts';

const DCR: MetadataPolicy = {
  authMethods: AUTH_METHODS,
  defaultAuthMethod: 'client_secret_basic',
  requireClientName: false,
  allowInlineJwks: true,
  devHosts: new Set(['127.0.0.1:9000']),
};

describe('redirect URI rules', () => {
  test.for([
    ['https://chatgpt.com/connector/oauth/abc', 'web', undefined],
    ['https://chatgpt.com/connector_platform_oauth_redirect', 'web', undefined],
    ['https://claude.ai/api/mcp/auth_callback', 'web', undefined],
    ['http://localhost:6274/oauth/callback', 'web', undefined],
    ['http://127.0.0.1:1234/cb', 'web', undefined],
    ['http://[::1]/cb', 'native', undefined],
    ['com.example.app:/cb', 'native', undefined],
    ['cursor://anysphere.cursor-retrieval/oauth/callback', 'native', undefined],
    ['com.example.app:/cb', 'web', /application_type "native"/],
    ['http://example.com/cb', 'web', /only loopback/],
    ['http://127.0.0.2/cb', 'web', /only loopback/],
    ['https://example.com/cb#', 'web', /fragment/],
    ['https://example.com/cb#a', 'web', /fragment/],
    ['https://u:p@example.com/cb', 'web', /credentials/],
    ['https://example.com/c b', 'web', /whitespace/],
    ['javascript:alert(1)', 'native', /forbidden scheme/],
    ['data:text/html,x', 'native', /forbidden scheme/],
    ['file:///etc/passwd', 'native', /forbidden scheme/],
    ['/relative', 'web', /absolute/],
    ['', 'web', /empty/],
    [`https://example.com/${'a'.repeat(2_000)}`, 'web', /longer than/],
  ] as const)('%s (%s)', ([uri, applicationType, problem]) => {
    const found = redirectUriProblem(uri, applicationType);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });
});

describe('redirect URI matching', () => {
  test.for([
    [['https://a.example/cb'], 'https://a.example/cb', true],
    [['https://a.example/cb'], 'https://a.example/cb/', false],
    [['https://a.example/cb'], 'https://A.example/cb', false],
    [['https://a.example:8443/cb'], 'https://a.example:9443/cb', false],
    [['http://127.0.0.1/cb'], 'http://127.0.0.1:55000/cb', true],
    [['http://127.0.0.1:1000/cb'], 'http://127.0.0.1:2000/cb', true],
    [['http://[::1]:1000/cb'], 'http://[::1]:2000/cb', true],
    [['http://localhost:1000/cb'], 'http://localhost:2000/cb', true],
    [['http://localhost:1000/cb'], 'http://127.0.0.1:1000/cb', false],
    [['http://127.0.0.1:1000/cb'], 'http://127.0.0.1:2000/other', false],
    [['http://127.0.0.1:1000/cb?a=1'], 'http://127.0.0.1:2000/cb?a=2', false],
  ] as const)('%j accepts %s: %s', ([registered, requested, expected]) => {
    expect(isRegisteredRedirectUri(registered, requested)).toBe(expected);
  });
});

describe('validateClientMetadata', () => {
  const valid = { redirect_uris: ['https://a.example/cb'] };

  test('applies the RFC 7591 §2 defaults, except that both grant types are the default', () => {
    expect(validateClientMetadata(valid, DCR)).toEqual({
      redirect_uris: ['https://a.example/cb'],
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      application_type: 'web',
    });
  });

  test('ignores members it does not understand (RFC 7591 §2)', () => {
    expect(validateClientMetadata({ ...valid, frobnicate: true }, DCR)).not.toHaveProperty('frobnicate');
  });

  test.for([
    [{ redirect_uris: 'https://a.example/cb' }, 'invalid_redirect_uri', /array of strings/],
    [{ redirect_uris: [1] }, 'invalid_redirect_uri', /array of strings/],
    [{ ...valid, client_name: 42 }, 'invalid_client_metadata', /client_name must be a string/],
    [{ ...valid, grant_types: 'authorization_code' }, 'invalid_client_metadata', /array of strings/],
    [{ ...valid, contacts: Array(11).fill('a@b.c') }, 'invalid_client_metadata', /at most 10 contacts/],
    [{ ...valid, jwks: { keys: [] } }, 'invalid_client_metadata', /between 1 and 10 keys/],
    [{ ...valid, jwks: { keys: [{}] } }, 'invalid_client_metadata', /kty/],
    [{ ...valid, jwks_uri: 'http://127.0.0.1:9001/jwks' }, 'invalid_client_metadata', /https/],
    [{ ...valid, software_id: 'x'.repeat(201) }, 'invalid_client_metadata', /at most 200/],
    [{ ...valid, client_name: 'a\u0000b' }, 'invalid_client_metadata', /control characters/],
  ] as const)('refuses %j', ([raw, code, description]) => {
    let error: unknown;
    try {
      validateClientMetadata(raw as Record<string, unknown>, DCR);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).code).toBe(code);
    expect((error as TokenError).description).toMatch(description);
  });

  test('accepts an http jwks_uri only on a development host', () => {
    const metadata = validateClientMetadata(
      { ...valid, token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://127.0.0.1:9000/jwks' },
      DCR,
    );
    expect(metadata.jwks_uri).toBe('http://127.0.0.1:9000/jwks');
  });

  test('counts a client name in characters, not UTF-16 units', () => {
    expect(validateClientMetadata({ ...valid, client_name: '🦊'.repeat(100) }, DCR).client_name).toHaveLength(
      200,
    );
  });
});

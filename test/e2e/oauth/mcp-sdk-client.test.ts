import { describe, expect, test } from '@gatehouse/testing';
import { auth, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { Browser, type Stack, startStack, withTestEventStream } from './stack.ts';

const REDIRECT_URI = 'http://127.0.0.1:6274/oauth/callback';

/** The client side of the SDK's auth(): everything kept in memory, the browser step recorded. */
class MemoryProvider implements OAuthClientProvider {
  client: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = '';
  authorizationUrl: URL | undefined;

  get redirectUrl() {
    return REDIRECT_URI;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'MCP SDK client',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  state() {
    return 'sdk-state';
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(client: OAuthClientInformationMixed) {
    this.client = client;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

describe('the official MCP SDK client', () => {
  withTestEventStream();
  let stack: Stack;
  test.beforeAll(async ({ infrastructure, isolation }) => {
    stack = await startStack(infrastructure, isolation);
  }, 60_000);
  test.afterAll(async () => {
    await stack?.stop();
  });

  test('discovers, registers, authorizes through GitHub and consent, exchanges the code and refreshes', async () => {
    const serverUrl = `${stack.publicUrl}/mcp`;
    const provider = new MemoryProvider();

    expect(await auth(provider, { serverUrl })).toBe('REDIRECT');
    expect(provider.client?.client_id).toEqual(expect.any(String));
    const authorizationUrl = provider.authorizationUrl!;
    expect(authorizationUrl.origin + authorizationUrl.pathname).toBe(`${stack.publicUrl}/oauth/authorize`);
    expect(authorizationUrl.searchParams.get('resource')).toBe(serverUrl);
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');

    const { callback, consent } = await new Browser().authorize(authorizationUrl.href, REDIRECT_URI);
    expect(consent?.html).toContain('MCP SDK client');
    expect(callback.searchParams.get('state')).toBe('sdk-state');
    expect(callback.searchParams.get('iss')).toBe(stack.publicUrl);

    expect(await auth(provider, { serverUrl, authorizationCode: callback.searchParams.get('code')! })).toBe(
      'AUTHORIZED',
    );
    const first = provider.saved!;
    expect(first.token_type).toBe('Bearer');
    expect(first.refresh_token).toEqual(expect.any(String));
    const jwks = createRemoteJWKSet(new URL(`${stack.publicUrl}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(first.access_token, jwks, {
      issuer: stack.publicUrl,
      audience: serverUrl,
      typ: 'at+jwt',
    });
    // The SDK asked for every scope the protected resource metadata lists.
    expect(String(payload.scope).split(' ').sort()).toEqual(
      ['issues:read', 'issues:write', 'pulls:write', 'repos:read'].sort(),
    );

    // With a refresh token stored, auth() refreshes instead of starting over.
    provider.authorizationUrl = undefined;
    expect(await auth(provider, { serverUrl })).toBe('AUTHORIZED');
    expect(provider.authorizationUrl).toBeUndefined();
    const second = provider.saved!;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(decodeJwt(second.access_token).gid).toBe(payload.gid);
  });
});

import { ALL_SCOPES } from '@gatehouse/proto';
import { describe, expect, test } from '@gatehouse/testing';
import { withTestEventStream } from './event-stream.ts';
import { startGateway, type TestGateway } from './test-gateway.ts';

const PUBLIC_URL = 'https://gatehouse.test';

describe('discovery documents', () => {
  withTestEventStream();
  let gateway: TestGateway;
  test.beforeAll(async ({ infrastructure, isolation }) => {
    gateway = await startGateway(infrastructure, isolation, { PUBLIC_URL: `${PUBLIC_URL}/` });
  });
  test.afterAll(() => gateway.close());

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}${path}`, { headers });

  test.each(['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource'])(
    'serves the protected resource metadata of /mcp at %s (RFC 9728)',
    async (path) => {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({
        resource: 'https://gatehouse.test/mcp',
        authorization_servers: ['https://gatehouse.test'],
        scopes_supported: ALL_SCOPES,
        bearer_methods_supported: ['header'],
        resource_name: 'Gatehouse for GitHub',
        resource_documentation: 'https://gatehouse.test/',
      });
    },
  );

  test.each(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'])(
    'serves the authorization server metadata at %s (RFC 8414, OIDC discovery)',
    async (path) => {
      const response = await get(path);
      expect(response.status).toBe(200);
      const methods = ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'];
      const algs = [
        'ES256',
        'ES384',
        'ES512',
        'PS256',
        'PS384',
        'PS512',
        'RS256',
        'RS384',
        'RS512',
        'EdDSA',
        'Ed25519',
      ];
      expect(await response.json()).toEqual({
        issuer: 'https://gatehouse.test',
        authorization_endpoint: 'https://gatehouse.test/oauth/authorize',
        token_endpoint: 'https://gatehouse.test/oauth/token',
        registration_endpoint: 'https://gatehouse.test/oauth/register',
        revocation_endpoint: 'https://gatehouse.test/oauth/revoke',
        introspection_endpoint: 'https://gatehouse.test/oauth/introspect',
        jwks_uri: 'https://gatehouse.test/.well-known/jwks.json',
        scopes_supported: ALL_SCOPES,
        response_types_supported: ['code'],
        response_modes_supported: ['query'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: methods,
        token_endpoint_auth_signing_alg_values_supported: algs,
        revocation_endpoint_auth_methods_supported: methods,
        revocation_endpoint_auth_signing_alg_values_supported: algs,
        introspection_endpoint_auth_methods_supported: methods.filter((method) => method !== 'none'),
        introspection_endpoint_auth_signing_alg_values_supported: algs,
        client_id_metadata_document_supported: true,
        authorization_response_iss_parameter_supported: true,
        service_documentation: 'https://gatehouse.test/',
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256'],
      });
    },
  );

  test('the issuer equals the protected resource metadata entry string for string, without a trailing slash', async () => {
    const resource = await (await get('/.well-known/oauth-protected-resource/mcp')).json();
    const server = await (await get('/.well-known/oauth-authorization-server')).json();
    expect(server.issuer).toBe(resource.authorization_servers[0]);
    expect(server.issuer.endsWith('/')).toBe(false);
    expect(resource.resource).toBe(`${server.issuer}/mcp`);
  });

  test('lets any origin read the metadata and exposes WWW-Authenticate', async () => {
    const response = await get('/.well-known/oauth-protected-resource/mcp', {
      Origin: 'https://app.example',
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate');
    const preflight = await fetch(`${gateway.url}/.well-known/oauth-authorization-server`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:6274',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'mcp-protocol-version',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET,HEAD');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('mcp-protocol-version');
  });

  test('the metadata of the MCP SDK client discovery parses and validates', async () => {
    const { discoverOAuthServerInfo } = await import('@modelcontextprotocol/sdk/client/auth.js');
    // The SDK derives every URL from the server URL; route its requests to the test listener.
    const fetchFn = (input: string | URL | Request, init?: RequestInit) =>
      fetch(String(input instanceof Request ? input.url : input).replace(PUBLIC_URL, gateway.url), init);
    const info = await discoverOAuthServerInfo(`${PUBLIC_URL}/mcp`, { fetchFn });
    expect(info.authorizationServerUrl).toBe(PUBLIC_URL);
    expect(info.resourceMetadata?.resource).toBe(`${PUBLIC_URL}/mcp`);
    expect(info.authorizationServerMetadata?.registration_endpoint).toBe(`${PUBLIC_URL}/oauth/register`);
  });

  test('answers the JWKS with 503, Retry-After and an OAuth error while the token service is down', async () => {
    const response = await get('/.well-known/jwks.json');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'The service is not available right now.',
    });
  });
});

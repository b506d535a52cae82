import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { token } from '@gatehouse/proto';
import { describe, expect, test } from '@gatehouse/testing';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll } from 'vitest';
import { JWT_BEARER_ASSERTION } from '../src/clients/assertion.ts';
import { exchange, failure, type Harness, issueCode, pkce, startHarness } from './harness.ts';

const CALLBACK = 'https://chatgpt.com/connector/oauth/cimd1';

/**
 * A client's web server on loopback. The token service may fetch from it only because the harness
 * lists it in CIMD_ALLOWED_HOSTS (the development setting); every other loopback or private
 * address stays refused.
 */
describe('Client ID Metadata Documents', () => {
  let server: Server;
  let base: string;
  let port: number;
  let h: Harness;
  const fetches = new Map<string, number>();
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;

  const documents: Record<
    string,
    (url: string) => { status?: number; headers?: Record<string, string>; body?: string }
  > = {
    '/clients/good.json': (url) => ({
      headers: { 'cache-control': 'public, max-age=120' },
      body: JSON.stringify({ client_id: url, client_name: 'Good Client', redirect_uris: [CALLBACK] }),
    }),
    '/clients/no-store.json': (url) => ({
      headers: { 'cache-control': 'no-store' },
      body: JSON.stringify({ client_id: url, client_name: 'Uncached', redirect_uris: [CALLBACK] }),
    }),
    '/clients/wrong-id.json': () => ({
      body: JSON.stringify({
        client_id: 'https://other.example/c.json',
        client_name: 'x',
        redirect_uris: [CALLBACK],
      }),
    }),
    '/clients/redirect.json': () => ({ status: 302, headers: { location: '/clients/good.json' } }),
    '/clients/huge.json': (url) => ({
      body: JSON.stringify({ client_id: url, client_name: 'x'.repeat(6_000), redirect_uris: [CALLBACK] }),
    }),
    '/clients/secret.json': (url) => ({
      body: JSON.stringify({
        client_id: url,
        client_name: 'x',
        redirect_uris: [CALLBACK],
        client_secret: 's',
      }),
    }),
    '/clients/no-name.json': (url) => ({
      body: JSON.stringify({ client_id: url, redirect_uris: [CALLBACK] }),
    }),
    '/clients/http-redirect.json': (url) => ({
      body: JSON.stringify({ client_id: url, client_name: 'x', redirect_uris: ['http://example.com/cb'] }),
    }),
    '/clients/basic.json': (url) => ({
      body: JSON.stringify({
        client_id: url,
        client_name: 'x',
        redirect_uris: [CALLBACK],
        token_endpoint_auth_method: 'client_secret_basic',
      }),
    }),
    '/clients/inline-jwks.json': (url) => ({
      body: JSON.stringify({
        client_id: url,
        client_name: 'x',
        redirect_uris: [CALLBACK],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }] },
      }),
    }),
    '/clients/not-json.json': () => ({ body: '<html>hello</html>' }),
    '/clients/missing.json': () => ({ status: 404, body: '{}' }),
    '/clients/chatgpt.json': (url) => ({
      body: JSON.stringify({
        client_id: url,
        client_name: 'ChatGPT',
        redirect_uris: [CALLBACK],
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: `${base}/oauth/jwks.json`,
      }),
    }),
  };

  beforeAll(async () => {
    keys = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'chatgpt-1', alg: 'ES256', use: 'sig' };
    server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0]!;
      fetches.set(path, (fetches.get(path) ?? 0) + 1);
      if (path === '/oauth/jwks.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
        return;
      }
      if (path === '/clients/slow.json') return; // never answers
      if (path === '/clients/huge-chunked.json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = 'x'.repeat(1_024);
        for (let i = 0; i < 8; i += 1) res.write(chunk);
        res.end();
        return;
      }
      const document = documents[path];
      if (!document) {
        res.writeHead(404).end();
        return;
      }
      const { status = 200, headers = {}, body = '' } = document(`${base}${path}`);
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });

  test.beforeEach(async ({ infrastructure, isolation }) => {
    h ??= await startHarness(infrastructure, isolation, {
      CIMD_ALLOWED_HOSTS: `127.0.0.1:${port}`,
      CIMD_FETCH_TIMEOUT: '500ms',
    });
  });

  afterAll(async () => {
    await h?.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const resolve = (clientId: string) =>
    h.caller.request(token.TokenService.method.resolveClient, { clientId });

  test('resolves a metadata document client and lets it complete the code flow', async () => {
    const clientId = `${base}/clients/good.json`;
    const resolved = await resolve(clientId);
    expect(resolved).toMatchObject({ clientId, kind: token.ClientKind.METADATA_DOCUMENT });
    expect(resolved.metadata).toMatchObject({
      clientName: 'Good Client',
      redirectUris: [CALLBACK],
      tokenEndpointAuthMethod: 'none',
    });
    const { verifier, challenge } = pkce();
    const code = await issueCode(h, { clientId, challenge, redirectUri: CALLBACK });
    const tokens = await exchange(h, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: CALLBACK,
      client_id: clientId,
    });
    expect(tokens.accessToken).toBeTruthy();
    // The document lists no grant_types; it still gets a refresh token, so it stays signed in.
    expect(tokens.refreshToken).toBeTruthy();
  });

  test('caches a document for its max-age and refetches a no-store one every time', async () => {
    const good = `${base}/clients/good.json`;
    await resolve(good);
    const fetchedGood = fetches.get('/clients/good.json');
    await resolve(good);
    await resolve(good);
    expect(fetches.get('/clients/good.json')).toBe(fetchedGood);

    await resolve(`${base}/clients/no-store.json`);
    await resolve(`${base}/clients/no-store.json`);
    expect(fetches.get('/clients/no-store.json')).toBe(2);
  });

  test('authenticates a private_key_jwt client with keys from its jwks_uri (ChatGPT’s CIMD shape)', async () => {
    const clientId = `${base}/clients/chatgpt.json`;
    const { verifier, challenge } = pkce();
    const code = await issueCode(h, { clientId, challenge, redirectUri: CALLBACK });
    const assertion = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: 'chatgpt-1' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(`${h.issuer}/oauth/token`)
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(keys.privateKey);
    const tokens = await exchange(h, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: CALLBACK,
      client_assertion_type: JWT_BEARER_ASSERTION,
      client_assertion: assertion,
    });
    expect(tokens.refreshToken).toBeTruthy();
  });

  const refusals: { name: string; url: () => string; code: string; description: RegExp }[] = [
    {
      name: 'a loopback address',
      url: () => 'https://127.0.0.1/client.json',
      code: 'invalid_client',
      description: /publicly reachable/,
    },
    {
      name: 'the cloud metadata address 169.254.169.254',
      url: () => 'https://169.254.169.254/latest/meta-data/client.json',
      code: 'invalid_client',
      description: /publicly reachable/,
    },
    {
      name: 'a private (RFC 1918) address',
      url: () => 'https://10.0.0.8/client.json',
      code: 'invalid_client',
      description: /publicly reachable/,
    },
    {
      name: 'a 192.168/16 address',
      url: () => 'https://192.168.1.10/client.json',
      code: 'invalid_client',
      description: /publicly reachable/,
    },
    {
      name: 'a carrier-grade NAT address',
      url: () => 'https://100.64.0.1/client.json',
      code: 'invalid_client',
      description: /publicly reachable/,
    },
    {
      name: 'the IPv6 loopback',
      url: () => 'https://[::1]/client.json',
      code: 'invalid_client',
      description: /publicly reachable/,
    },
    {
      name: 'an IPv6 unique-local address',
      url: () => 'https://[fd12:3456::1]/client.json',
      code: 'invalid_client',
      description: /publicly reachable/,
    },
    {
      name: 'an IPv4-mapped IPv6 loopback',
      url: () => 'https://[::ffff:7f00:1]/client.json',
      code: 'invalid_client',
      description: /publicly reachable/,
    },
    {
      name: 'the unspecified address',
      url: () => 'https://0.0.0.0/client.json',
      code: 'invalid_client',
      description: /publicly reachable/,
    },
    {
      name: 'a DNS name that resolves to loopback (localhost), even on the allowlisted port',
      url: () => `https://localhost:${port}/clients/good.json`,
      code: 'invalid_client',
      description: /publicly reachable/,
    },
    {
      name: 'a redirect',
      url: () => `${base}/clients/redirect.json`,
      code: 'invalid_client',
      description: /redirects are not followed/,
    },
    {
      name: 'a document over 5 KB (declared length)',
      url: () => `${base}/clients/huge.json`,
      code: 'invalid_client',
      description: /larger than allowed/,
    },
    {
      name: 'a document over 5 KB (streamed without a length)',
      url: () => `${base}/clients/huge-chunked.json`,
      code: 'invalid_client',
      description: /larger than allowed/,
    },
    {
      name: 'a server that does not answer in time',
      url: () => `${base}/clients/slow.json`,
      code: 'invalid_client',
      description: /in time/,
    },
    {
      name: 'a document whose client_id is another URL',
      url: () => `${base}/clients/wrong-id.json`,
      code: 'invalid_client',
      description: /client_id is not exactly the URL/,
    },
    {
      name: 'a document with a client_secret',
      url: () => `${base}/clients/secret.json`,
      code: 'invalid_client',
      description: /must not contain a client_secret/,
    },
    {
      name: 'a document without client_name',
      url: () => `${base}/clients/no-name.json`,
      code: 'invalid_client',
      description: /client_name is required/,
    },
    {
      name: 'a document with a plain-http redirect URI',
      url: () => `${base}/clients/http-redirect.json`,
      code: 'invalid_client',
      description: /only loopback hosts/,
    },
    {
      name: 'a document asking for client_secret_basic',
      url: () => `${base}/clients/basic.json`,
      code: 'invalid_client',
      description: /not accepted here/,
    },
    {
      name: 'a document with inline jwks',
      url: () => `${base}/clients/inline-jwks.json`,
      code: 'invalid_client',
      description: /publish a jwks_uri/,
    },
    {
      name: 'a body that is not JSON',
      url: () => `${base}/clients/not-json.json`,
      code: 'invalid_client',
      description: /not valid JSON/,
    },
    {
      name: 'a 404',
      url: () => `${base}/clients/missing.json`,
      code: 'invalid_client',
      description: /did not answer 200/,
    },
    {
      name: 'a plain-http URL on a host not allowlisted',
      url: () => 'http://example.com/client.json',
      code: 'not_found',
      description: /unknown/,
    },
    {
      name: 'an https URL without a path',
      url: () => 'https://example.com/',
      code: 'not_found',
      description: /unknown/,
    },
    {
      name: 'an https URL with a dot segment',
      url: () => 'https://example.com/a/%2e%2e/client.json',
      code: 'not_found',
      description: /unknown/,
    },
  ];

  test.for(refusals)('refuses $name', async (testCase) => {
    const error = await failure(resolve(testCase.url()));
    expect(error.code).toBe(testCase.code);
    expect(error.description).toMatch(testCase.description);
  });

  test('refuses a private address even for a document asked for at the token endpoint', async () => {
    const error = await failure(
      exchange(h, {
        grant_type: 'refresh_token',
        refresh_token: 'x',
        client_id: 'https://10.1.2.3/client.json',
      }),
    );
    expect(error).toMatchObject({ code: 'invalid_client', httpStatus: 401 });
  });
});

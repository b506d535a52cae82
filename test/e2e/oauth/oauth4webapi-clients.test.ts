import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from '@gatehouse/testing';
import { exportJWK, generateKeyPair } from 'jose';
import * as oauth from 'oauth4webapi';
import { Browser, type Stack, startStack, withTestEventStream } from './stack.ts';

const REDIRECT_URI = 'http://127.0.0.1:8976/callback';
// Loopback http is the only relaxation: every other check of oauth4webapi stays on.
const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** Serves one Client ID Metadata Document on loopback, as a CIMD client publishes it. */
async function serveMetadataDocument(
  document: (url: string) => object,
): Promise<{ url: string; server: Server }> {
  let url = '';
  const server = createServer((req, res) => {
    if (req.url !== '/client.json') return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'max-age=60' });
    res.end(JSON.stringify(document(url)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/client.json`;
  return { url, server };
}

describe('oauth4webapi clients (strict by default)', () => {
  withTestEventStream();
  let stack: Stack;
  let as: oauth.AuthorizationServer;
  let cimd: { url: string; server: Server };
  let resource: string;

  test.beforeAll(async ({ infrastructure, isolation }) => {
    cimd = await serveMetadataDocument((url) => ({
      client_id: url,
      client_name: 'Metadata document client',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }));
    stack = await startStack(infrastructure, isolation, {
      tokenEnv: { CIMD_ALLOWED_HOSTS: new URL(cimd.url).host },
    });
    resource = `${stack.publicUrl}/mcp`;
    const issuer = new URL(stack.publicUrl);
    as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }),
    );
  }, 60_000);
  test.afterAll(async () => {
    await stack?.stop();
    cimd?.server.close();
  });

  /** PKCE + state + resource, through the browser, back to a validated callback (iss checked). */
  async function authorize(client: oauth.Client, scope = 'repos:read issues:write') {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      scope,
      state,
      resource,
    }).toString();
    const { callback, consent } = await new Browser().authorize(url.href, REDIRECT_URI);
    // Validates state and, because the metadata advertises it, the RFC 9207 `iss` parameter.
    const params = oauth.validateAuthResponse(as, client, callback, state);
    return { params, verifier, consent };
  }

  async function register(metadata: Partial<oauth.Client>) {
    const response = await oauth.dynamicClientRegistrationRequest(
      as,
      { redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'], ...metadata },
      insecure,
    );
    return oauth.processDynamicClientRegistrationResponse(response);
  }

  test('discovery works on the RFC 8414 and the OpenID Connect paths, issuer checked', async () => {
    const issuer = new URL(stack.publicUrl);
    const viaOidc = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }),
    );
    expect(viaOidc.issuer).toBe(as.issuer);
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
  });

  test('a public client: DCR, code with PKCE, refresh, revocation', async () => {
    const client = await register({ client_name: 'oauth4webapi public', token_endpoint_auth_method: 'none' });
    const { params, verifier } = await authorize(client);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT_URI, verifier, {
        additionalParameters: { resource },
        ...insecure,
      }),
    );
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('repos:read issues:write');

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, {
        additionalParameters: { resource },
        ...insecure,
      }),
    );
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, oauth.None(), refreshed.refresh_token!, insecure),
    );
    const afterRevocation = oauth.refreshTokenGrantRequest(
      as,
      client,
      oauth.None(),
      refreshed.refresh_token!,
      insecure,
    );
    await expect(oauth.processRefreshTokenResponse(as, client, await afterRevocation)).rejects.toMatchObject({
      code: oauth.RESPONSE_BODY_ERROR,
      error: 'invalid_grant',
      status: 400,
    });
  });

  test('a confidential client (client_secret_basic) introspects its tokens', async () => {
    const client = await register({
      client_name: 'oauth4webapi confidential',
      token_endpoint_auth_method: 'client_secret_basic',
    });
    const auth = oauth.ClientSecretBasic(String(client.client_secret));
    const { params, verifier } = await authorize(client, 'repos:read');
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT_URI, verifier, insecure),
    );
    const introspection = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, auth, tokens.access_token, insecure),
    );
    expect(introspection).toMatchObject({ active: true, client_id: client.client_id, scope: 'repos:read' });
  });

  test('a private_key_jwt client authenticates with signed assertions, each usable once', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'e2e-key', alg: 'ES256', use: 'sig' };
    const client = await register({
      client_name: 'oauth4webapi private_key_jwt',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [jwk] },
    } as Partial<oauth.Client>);
    const key = { key: privateKey, kid: 'e2e-key' };
    const { params, verifier } = await authorize(client, 'repos:read');
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(
        as,
        client,
        oauth.PrivateKeyJwt(key),
        params,
        REDIRECT_URI,
        verifier,
        insecure,
      ),
    );
    expect(tokens.access_token).toEqual(expect.any(String));

    // Replay one assertion: capture the form body the client sends and post it twice.
    let captured = '';
    const capture = (async (url: string, init: RequestInit) => {
      captured = String(init.body);
      return fetch(url, init);
    }) as typeof fetch;
    await oauth.refreshTokenGrantRequest(as, client, oauth.PrivateKeyJwt(key), tokens.refresh_token!, {
      ...insecure,
      [oauth.customFetch]: capture,
    });
    const assertion = new URLSearchParams(captured).get('client_assertion')!;
    const replay = await fetch(as.token_endpoint!, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token!,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      }),
    });
    expect(replay.status).toBe(401);
    expect((await replay.json()).error).toBe('invalid_client');
  });

  test('a Client ID Metadata Document client is shown as unverified and gets tokens', async () => {
    const client: oauth.Client = { client_id: cimd.url, token_endpoint_auth_method: 'none' };
    const { params, verifier, consent } = await authorize(client, 'repos:read');
    expect(consent?.html).toContain('Metadata document client');
    expect(consent?.html).toContain('<strong>Unverified app.</strong>');
    expect(consent?.html).toContain(cimd.url);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT_URI, verifier, {
        additionalParameters: { resource },
        ...insecure,
      }),
    );
    expect(tokens.access_token).toEqual(expect.any(String));
  });
});

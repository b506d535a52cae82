import { token } from '@gatehouse/proto';
import { describe, expect, test } from '@gatehouse/testing';
import pg from 'pg';
import { afterAll } from 'vitest';
import {
  authorize,
  basic,
  codeRequest,
  eventually,
  exchange,
  failure,
  gidOf,
  type Harness,
  ORIGIN,
  REDIRECT_URI,
  refreshAs,
  registerClient,
  startHarness,
} from './harness.ts';

const register = (h: Harness, metadata: Record<string, unknown>) =>
  h.caller.request(token.TokenService.method.registerClient, { metadata, origin: ORIGIN });

describe('dynamic client registration (RFC 7591)', () => {
  let h: Harness;
  let databaseUrl: string;
  test.beforeEach(async ({ infrastructure, isolation }) => {
    databaseUrl = isolation.databaseUrl;
    h ??= await startHarness(infrastructure, isolation);
  });
  afterAll(async () => h?.close());

  // The callbacks the MCP clients people use actually register (docs: mcp-auth-interop.md A4).
  const knownClients: { name: string; redirectUris: string[]; applicationType?: string }[] = [
    { name: 'ChatGPT (per connector)', redirectUris: ['https://chatgpt.com/connector/oauth/c_7f3a9'] },
    { name: 'ChatGPT (legacy)', redirectUris: ['https://chatgpt.com/connector_platform_oauth_redirect'] },
    {
      name: 'Claude',
      redirectUris: ['https://claude.ai/api/mcp/auth_callback', 'https://claude.com/api/mcp/auth_callback'],
    },
    {
      name: 'MCP Inspector',
      redirectUris: ['http://localhost:6274/oauth/callback', 'http://localhost:6274/oauth/callback/debug'],
    },
    { name: 'Claude Code (localhost)', redirectUris: ['http://localhost:53117/callback'] },
    { name: 'a loopback IPv4 client', redirectUris: ['http://127.0.0.1:8976/cb'] },
    { name: 'a loopback IPv6 client', redirectUris: ['http://[::1]:8976/cb'] },
    { name: 'a native app', redirectUris: ['com.example.app:/oauth2redirect'], applicationType: 'native' },
  ];

  test.for(knownClients)('registers $name', async ({ redirectUris, applicationType }) => {
    const client = await register(h, {
      redirectUris,
      clientName: 'Known client',
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code', 'refresh_token'],
      ...(applicationType ? { applicationType } : {}),
    });
    expect(client.metadata?.redirectUris).toEqual(redirectUris);
    expect(client.clientSecret).toBe('');
  });

  test('answers with RFC 7591 §3.2.1 fields and RFC 7591 §2 defaults', async () => {
    const before = Math.floor(Date.now() / 1000);
    const client = await register(h, { redirectUris: [REDIRECT_URI] });
    expect(client.clientId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // RFC 7591 §2: client_secret_basic when token_endpoint_auth_method is absent. grant_types
    // defaults to both (see src/clients/validation.ts for why).
    expect(client.metadata).toMatchObject({
      tokenEndpointAuthMethod: 'client_secret_basic',
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      applicationType: 'web',
    });
    expect(client.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(client.clientSecretExpiresAt).toBe(0n);
    expect(Number(client.clientIdIssuedAt)).toBeGreaterThanOrEqual(before);
    expect(client.registrationAccessToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(client.registrationClientUri).toBe(`http://localhost:8080/oauth/register/${client.clientId}`);
  });

  test('stores client secrets and registration access tokens only as hashes', async () => {
    const client = await register(h, {
      redirectUris: [REDIRECT_URI],
      tokenEndpointAuthMethod: 'client_secret_post',
    });
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    const { rows } = await db.query('SELECT * FROM token.clients WHERE id = $1', [client.clientId]);
    await db.end();
    const row = JSON.stringify(rows);
    expect(row).not.toContain(client.clientSecret);
    expect(row).not.toContain(client.registrationAccessToken);
  });

  test('keeps a client name as text, markup included (escaping is the page’s job)', async () => {
    const client = await register(h, {
      redirectUris: [REDIRECT_URI],
      clientName: '<script>alert(1)</script>',
    });
    expect(client.metadata?.clientName).toBe('<script>alert(1)</script>');
  });

  test('drops OIDC scopes from a registered scope and keeps catalog ones', async () => {
    const client = await register(h, { redirectUris: [REDIRECT_URI], scope: 'openid repos:read profile' });
    expect(client.metadata?.scope).toBe('repos:read');
  });

  const refusals: { name: string; metadata: Record<string, unknown>; code: string; description: RegExp }[] = [
    {
      name: 'no redirect URI',
      metadata: { redirectUris: [] },
      code: 'invalid_redirect_uri',
      description: /required/,
    },
    {
      name: 'an http redirect URI on a public host',
      metadata: { redirectUris: ['http://example.com/cb'] },
      code: 'invalid_redirect_uri',
      description: /only loopback hosts/,
    },
    {
      name: 'a redirect URI with a fragment',
      metadata: { redirectUris: ['https://example.com/cb#x'] },
      code: 'invalid_redirect_uri',
      description: /fragment/,
    },
    {
      name: 'a relative redirect URI',
      metadata: { redirectUris: ['/callback'] },
      code: 'invalid_redirect_uri',
      description: /not an absolute URI/,
    },
    {
      name: 'a custom scheme for a web client',
      metadata: { redirectUris: ['com.example.app:/cb'] },
      code: 'invalid_redirect_uri',
      description: /application_type "native"/,
    },
    {
      name: 'a javascript: redirect URI, even for a native app',
      metadata: { redirectUris: ['javascript:alert(1)'], applicationType: 'native' },
      code: 'invalid_redirect_uri',
      description: /forbidden scheme/,
    },
    {
      name: 'credentials in a redirect URI',
      metadata: { redirectUris: ['https://user:pw@example.com/cb'] },
      code: 'invalid_redirect_uri',
      description: /credentials/,
    },
    {
      name: 'a wildcard redirect URI',
      metadata: { redirectUris: ['https://*.example.com/cb'] },
      code: 'invalid_redirect_uri',
      description: /wildcard/,
    },
    {
      name: 'too many redirect URIs',
      metadata: { redirectUris: Array.from({ length: 21 }, (_, i) => `https://example.com/${i}`) },
      code: 'invalid_redirect_uri',
      description: /at most 20/,
    },
    {
      name: 'a client name over 100 characters',
      metadata: { clientName: 'x'.repeat(101) },
      code: 'invalid_client_metadata',
      description: /at most 100 characters/,
    },
    {
      name: 'a client name with a bidirectional override',
      metadata: { clientName: 'Good\u202Eevil' },
      code: 'invalid_client_metadata',
      description: /control characters/,
    },
    {
      name: 'an unknown token_endpoint_auth_method',
      metadata: { tokenEndpointAuthMethod: 'client_secret_jwt' },
      code: 'invalid_client_metadata',
      description: /not supported/,
    },
    {
      name: 'private_key_jwt without keys',
      metadata: { tokenEndpointAuthMethod: 'private_key_jwt' },
      code: 'invalid_client_metadata',
      description: /requires jwks or jwks_uri/,
    },
    {
      name: 'both jwks and jwks_uri',
      metadata: {
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwksUri: 'https://example.com/jwks.json',
        jwks: JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }] }),
      },
      code: 'invalid_client_metadata',
      description: /must not both be present/,
    },
    {
      name: 'a private key in jwks',
      metadata: {
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'secret' }] }),
      },
      code: 'invalid_client_metadata',
      description: /public keys only/,
    },
    {
      name: 'jwks that is not JSON',
      metadata: { tokenEndpointAuthMethod: 'private_key_jwt', jwks: '{not json' },
      code: 'invalid_client_metadata',
      description: /must be a JWK Set/,
    },
    {
      name: 'a plain-http jwks_uri',
      metadata: { tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'http://example.com/jwks.json' },
      code: 'invalid_client_metadata',
      description: /must be an https URL/,
    },
    {
      name: 'the password grant',
      metadata: { grantTypes: ['authorization_code', 'password'] },
      code: 'invalid_client_metadata',
      description: /grant_type "password" is not supported/,
    },
    {
      name: 'grant types without authorization_code',
      metadata: { grantTypes: ['refresh_token'] },
      code: 'invalid_client_metadata',
      description: /must include authorization_code/,
    },
    {
      name: 'the implicit response type',
      metadata: { responseTypes: ['token'] },
      code: 'invalid_client_metadata',
      description: /response_types must be \["code"\]/,
    },
    {
      name: 'a scope outside the catalog',
      metadata: { scope: 'repos:read admin:org' },
      code: 'invalid_client_metadata',
      description: /scope "admin:org" is not supported/,
    },
    {
      name: 'an unknown application_type',
      metadata: { applicationType: 'desktop' },
      code: 'invalid_client_metadata',
      description: /application_type/,
    },
    {
      name: 'a javascript: client_uri',
      metadata: { clientUri: 'javascript:alert(1)' },
      code: 'invalid_client_metadata',
      description: /client_uri must be an https URL/,
    },
  ];

  test.for(refusals)('refuses $name', async ({ metadata, code, description }) => {
    const error = await failure(register(h, { redirectUris: [REDIRECT_URI], ...metadata }));
    expect(error.code).toBe(code);
    expect(error.description).toMatch(description);
    expect(error.httpStatus).toBe(400);
  });

  test('audits a refused registration with its error code', async () => {
    await failure(register(h, { redirectUris: ['http://audit-me.example/cb'] }));
    await eventually(async () => {
      const rejected = await h.events('token.client.registration_rejected');
      expect(rejected.find((event) => event.details.description?.includes('audit-me.example'))).toMatchObject(
        {
          reason: 'invalid_redirect_uri',
          ip: ORIGIN.ip,
        },
      );
    });
  });

  test('resolves a registered client and answers not_found for an unknown one', async () => {
    const client = await registerClient(h);
    const resolved = await h.caller.request(token.TokenService.method.resolveClient, {
      clientId: client.clientId,
    });
    expect(resolved).toMatchObject({ clientId: client.clientId, kind: token.ClientKind.REGISTERED });
    expect(resolved.metadata?.redirectUris).toEqual([REDIRECT_URI]);
    const unknown = await failure(
      h.caller.request(token.TokenService.method.resolveClient, { clientId: 'nope' }),
    );
    expect(unknown).toMatchObject({ code: 'not_found', httpStatus: 404 });
  });
});

describe('client configuration endpoint (RFC 7592)', () => {
  let h: Harness;
  test.beforeEach(async ({ infrastructure, isolation }) => {
    h ??= await startHarness(infrastructure, isolation);
  });
  afterAll(async () => h?.close());

  const read = (clientId: string, registrationAccessToken: string) =>
    h.caller.request(token.TokenService.method.readClient, { clientId, registrationAccessToken });

  test('reads a client with its registration access token, without its secret', async () => {
    const client = await register(h, { redirectUris: [REDIRECT_URI], clientName: 'Readable' });
    const current = await read(client.clientId, client.registrationAccessToken);
    expect(current).toMatchObject({
      clientId: client.clientId,
      clientSecret: '',
      registrationAccessToken: '',
      registrationClientUri: client.registrationClientUri,
    });
    expect(current.metadata?.clientName).toBe('Readable');
  });

  test.for([
    { name: 'a wrong registration access token', token: 'w'.repeat(43), id: 'own' },
    { name: 'no registration access token', token: '', id: 'own' },
    { name: 'another client’s registration access token', token: 'other', id: 'own' },
    { name: 'an unknown client', token: 'own', id: 'unknown' },
  ])('answers invalid_token (401) for $name', async (testCase) => {
    const client = await registerClient(h);
    const other = await registerClient(h);
    const presented =
      testCase.token === 'own'
        ? client.registrationAccessToken
        : testCase.token === 'other'
          ? other.registrationAccessToken
          : testCase.token;
    const id = testCase.id === 'own' ? client.clientId : 'Zm9vYmFyYmF6cXV4cXV1dXV1';
    for (const call of [
      read(id, presented),
      h.caller.request(token.TokenService.method.deleteClient, {
        clientId: id,
        registrationAccessToken: presented,
      }),
    ]) {
      const error = await failure(call);
      expect(error).toMatchObject({ code: 'invalid_token', httpStatus: 401 });
    }
  });

  test('replaces the metadata on update and issues a secret when the client moves to client_secret_post', async () => {
    const client = await registerClient(h);
    const updated = await h.caller.request(token.TokenService.method.updateClient, {
      clientId: client.clientId,
      registrationAccessToken: client.registrationAccessToken,
      bodyClientId: client.clientId,
      metadata: {
        redirectUris: [REDIRECT_URI],
        clientName: 'Renamed',
        tokenEndpointAuthMethod: 'client_secret_post',
        grantTypes: ['authorization_code', 'refresh_token'],
      },
    });
    expect(updated.metadata).toMatchObject({
      clientName: 'Renamed',
      tokenEndpointAuthMethod: 'client_secret_post',
    });
    expect(updated.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The new method is in force at the token endpoint at once (this replica forgot its cache).
    const tokens = await exchange(h, {
      ...(await codeRequest(h, client.clientId)),
      client_id: client.clientId,
      client_secret: updated.clientSecret,
    });
    expect(tokens.accessToken).toBeTruthy();
  });

  test.for([
    { name: 'a body client_id that is not the client', bodyClientId: 'someone-else', secret: '' },
    {
      name: 'a body client_secret that is not the current one',
      bodyClientId: 'self',
      secret: 'not-the-secret',
    },
  ])('refuses an update with $name', async (testCase) => {
    const client = await register(h, {
      redirectUris: [REDIRECT_URI],
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
    const error = await failure(
      h.caller.request(token.TokenService.method.updateClient, {
        clientId: client.clientId,
        registrationAccessToken: client.registrationAccessToken,
        bodyClientId: testCase.bodyClientId === 'self' ? client.clientId : testCase.bodyClientId,
        bodyClientSecret: testCase.secret,
        metadata: { redirectUris: [REDIRECT_URI] },
      }),
    );
    expect(error.code).toBe('invalid_request');
    expect(error.description).toMatch(/RFC 7592 §2.2/);
  });

  test('validates updated metadata like a registration', async () => {
    const client = await registerClient(h);
    const error = await failure(
      h.caller.request(token.TokenService.method.updateClient, {
        clientId: client.clientId,
        registrationAccessToken: client.registrationAccessToken,
        bodyClientId: client.clientId,
        metadata: { redirectUris: ['http://example.com/cb'] },
      }),
    );
    expect(error.code).toBe('invalid_redirect_uri');
  });

  test('deletes a client, revokes its grants and publishes token.grant.revoked for each', async () => {
    const { client, tokens } = await authorize(h);
    const gid = gidOf(tokens.accessToken);
    await h.caller.request(token.TokenService.method.deleteClient, {
      clientId: client.clientId,
      registrationAccessToken: client.registrationAccessToken,
      origin: ORIGIN,
    });
    const revoked = await h.events('token.grant.revoked');
    expect(revoked.find((event) => event.grantId === gid)).toMatchObject({ reason: 'client_deleted' });
    const resolve = await failure(
      h.caller.request(token.TokenService.method.resolveClient, { clientId: client.clientId }),
    );
    expect(resolve.code).toBe('not_found');
    const refresh = await failure(refreshAs(h, tokens.refreshToken, client.clientId));
    expect(refresh.code).toBe('invalid_client');
  });

  test('authenticates a client_secret_basic client with its registered secret', async () => {
    const client = await register(h, {
      redirectUris: [REDIRECT_URI],
      grantTypes: ['authorization_code', 'refresh_token'],
    });
    const tokens = await exchange(
      h,
      await codeRequest(h, client.clientId),
      basic(client.clientId, client.clientSecret),
    );
    expect(tokens.refreshToken).toBeTruthy();
  });
});

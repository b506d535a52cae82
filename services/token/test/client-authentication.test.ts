import { randomUUID } from 'node:crypto';
import { token } from '@gatehouse/proto';
import { describe, expect, test } from '@gatehouse/testing';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll } from 'vitest';
import { JWT_BEARER_ASSERTION } from '../src/clients/assertion.ts';
import {
  basic,
  codeRequest,
  exchange,
  failure,
  type Harness,
  ORIGIN,
  pkce,
  registerClient,
  startHarness,
} from './harness.ts';

const PRECONFIGURED_SECRET = 'a-preconfigured-secret-of-at-least-32-chars';

describe('client authentication at the token endpoint', () => {
  let h: Harness;
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;
  let otherKeys: Awaited<ReturnType<typeof generateKeyPair>>;

  beforeAll(async () => {
    keys = await generateKeyPair('ES256');
    otherKeys = await generateKeyPair('ES256');
  });
  test.beforeEach(async ({ infrastructure, isolation }) => {
    h ??= await startHarness(infrastructure, isolation, {
      PRECONFIGURED_CLIENTS: JSON.stringify([
        {
          client_id: 'gatehouse-cli',
          client_name: 'Gatehouse CLI',
          redirect_uris: ['http://127.0.0.1/callback'],
          token_endpoint_auth_method: 'client_secret_basic',
          grant_types: ['authorization_code', 'refresh_token'],
          scope: 'repos:read issues:read',
          client_secret: PRECONFIGURED_SECRET,
        },
      ]),
    });
  });
  afterAll(async () => h?.close());

  async function secretClient(method: 'client_secret_basic' | 'client_secret_post') {
    return registerClient(h, { tokenEndpointAuthMethod: method });
  }

  test('accepts client_secret_post and refuses a wrong secret with invalid_client (401)', async () => {
    const client = await secretClient('client_secret_post');
    const ok = await exchange(h, {
      ...(await codeRequest(h, client.clientId)),
      client_id: client.clientId,
      client_secret: client.clientSecret,
    });
    expect(ok.accessToken).toBeTruthy();
    const wrong = await failure(
      exchange(h, {
        ...(await codeRequest(h, client.clientId)),
        client_id: client.clientId,
        client_secret: 'nope',
      }),
    );
    expect(wrong).toMatchObject({ code: 'invalid_client', httpStatus: 401 });
    expect(wrong.description).toBe('The client credentials are invalid.');
  });

  test('refuses a wrong client_secret_basic secret', async () => {
    const client = await secretClient('client_secret_basic');
    const error = await failure(
      exchange(h, await codeRequest(h, client.clientId), basic(client.clientId, 'wrong')),
    );
    expect(error).toMatchObject({ code: 'invalid_client', httpStatus: 401 });
  });

  const refusals: {
    name: string;
    method: 'client_secret_basic' | 'client_secret_post' | 'none';
    request: (client: { clientId: string; clientSecret: string }) => {
      params: Record<string, string>;
      authorization?: string;
    };
    code: string;
    description: RegExp;
  }[] = [
    {
      name: 'a secret sent in the body by a client_secret_basic client',
      method: 'client_secret_basic',
      request: (c) => ({ params: { client_id: c.clientId, client_secret: c.clientSecret } }),
      code: 'invalid_client',
      description: /must authenticate with client_secret_basic/,
    },
    {
      name: 'only client_id from a confidential client',
      method: 'client_secret_post',
      request: (c) => ({ params: { client_id: c.clientId } }),
      code: 'invalid_client',
      description: /must authenticate with client_secret_post/,
    },
    {
      name: 'a secret from a public client',
      method: 'none',
      request: (c) => ({ params: { client_id: c.clientId, client_secret: 'anything' } }),
      code: 'invalid_client',
      description: /public and registered no credentials/,
    },
    {
      name: 'two authentication methods at once',
      method: 'client_secret_basic',
      request: (c) => ({
        params: { client_secret: c.clientSecret },
        authorization: basic(c.clientId, c.clientSecret),
      }),
      code: 'invalid_request',
      description: /exactly one client authentication method/,
    },
    {
      name: 'a body client_id that contradicts the Basic header',
      method: 'client_secret_basic',
      request: (c) => ({
        params: { client_id: 'someone-else' },
        authorization: basic(c.clientId, c.clientSecret),
      }),
      code: 'invalid_request',
      description: /does not match/,
    },
    {
      name: 'a Bearer Authorization header',
      method: 'client_secret_basic',
      request: () => ({ params: {}, authorization: 'Bearer abc' }),
      code: 'invalid_client',
      description: /HTTP Basic/,
    },
    {
      name: 'a malformed Basic header',
      method: 'client_secret_basic',
      request: () => ({ params: {}, authorization: 'Basic %%%' }),
      code: 'invalid_client',
      description: /HTTP Basic/,
    },
    {
      name: 'client_secret_post without client_id',
      method: 'client_secret_post',
      request: (c) => ({ params: { client_secret: c.clientSecret } }),
      code: 'invalid_request',
      description: /client_id is required/,
    },
  ];

  test.for(refusals)('refuses $name', async (testCase) => {
    const client = testCase.method === 'none' ? await registerClient(h) : await secretClient(testCase.method);
    const { params, authorization = '' } = testCase.request(client);
    const error = await failure(
      exchange(h, { ...(await codeRequest(h, client.clientId)), ...params }, authorization),
    );
    expect(error.code).toBe(testCase.code);
    expect(error.description).toMatch(testCase.description);
  });

  test('bounds a pre-configured client to the scope configured for it', async () => {
    const { challenge } = pkce();
    const error = await failure(
      h.caller.request(token.TokenService.method.issueCode, {
        clientId: 'gatehouse-cli',
        redirectUri: 'http://127.0.0.1/callback',
        codeChallenge: challenge,
        scopes: ['repos:read', 'issues:write'],
        userId: 'u',
      }),
    );
    expect(error).toMatchObject({
      code: 'invalid_scope',
      description: 'The client did not register the scope "issues:write".',
    });
  });

  test('treats empty parameters as omitted (RFC 6749 §3.1)', async () => {
    const client = await registerClient(h);
    const tokens = await exchange(h, {
      ...(await codeRequest(h, client.clientId)),
      client_id: client.clientId,
      client_secret: '',
      client_assertion: '',
      resource: '',
    });
    expect(tokens.accessToken).toBeTruthy();
  });

  test('serves a pre-configured client from the configuration', async () => {
    const resolved = await h.caller.request(token.TokenService.method.resolveClient, {
      clientId: 'gatehouse-cli',
    });
    expect(resolved).toMatchObject({ clientId: 'gatehouse-cli', kind: token.ClientKind.PRECONFIGURED });
    expect(resolved.metadata?.clientName).toBe('Gatehouse CLI');
    const tokens = await exchange(
      h,
      await codeRequest(h, 'gatehouse-cli', 'http://127.0.0.1:40123/callback'),
      basic('gatehouse-cli', PRECONFIGURED_SECRET),
    );
    expect(tokens.refreshToken).toBeTruthy();
    const wrong = await failure(
      exchange(
        h,
        await codeRequest(h, 'gatehouse-cli', 'http://127.0.0.1/callback'),
        basic('gatehouse-cli', 'x'),
      ),
    );
    expect(wrong.code).toBe('invalid_client');
  });

  describe('private_key_jwt (RFC 7523)', () => {
    let clientId: string;
    test.beforeEach(async () => {
      if (clientId) return;
      const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'ES256' };
      const client = await registerClient(h, {
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: JSON.stringify({ keys: [jwk] }),
      });
      clientId = client.clientId;
    });

    async function assertion(
      claims: JWTPayload = {},
      options: { key?: CryptoKey; alg?: string; audience?: string; expiresIn?: string } = {},
    ) {
      const jwt = new SignJWT({ jti: randomUUID(), ...claims })
        .setProtectedHeader({ alg: options.alg ?? 'ES256', kid: 'k1' })
        .setIssuer((claims.iss as string) ?? clientId)
        .setSubject((claims.sub as string) ?? clientId)
        .setAudience(options.audience ?? `${h.issuer}/oauth/token`)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '60s');
      return jwt.sign(options.key ?? keys.privateKey);
    }

    const redeem = async (clientAssertion: string, extra: Record<string, string> = {}) =>
      exchange(h, {
        ...(await codeRequest(h, clientId)),
        client_assertion_type: JWT_BEARER_ASSERTION,
        client_assertion: clientAssertion,
        ...extra,
      });

    test('accepts an assertion signed with a registered key, with the token endpoint or the issuer as audience', async () => {
      expect((await redeem(await assertion())).accessToken).toBeTruthy();
      expect((await redeem(await assertion({}, { audience: h.issuer }))).accessToken).toBeTruthy();
    });

    test('refuses an assertion whose jti was already used', async () => {
      const once = await assertion();
      await redeem(once);
      const replay = await failure(redeem(once));
      expect(replay).toMatchObject({ code: 'invalid_client', httpStatus: 401 });
      expect(replay.description).toMatch(/already used/);
    });

    const bad: {
      name: string;
      make: () => Promise<string>;
      extra?: Record<string, string>;
      description: RegExp;
    }[] = [
      {
        name: 'another audience',
        make: () => assertion({}, { audience: 'https://elsewhere.example/token' }),
        description: /audience/,
      },
      {
        name: 'iss and sub that differ',
        make: () => assertion({ sub: 'someone' }),
        description: /iss and sub/,
      },
      {
        name: 'a signature by an unregistered key',
        make: () => assertion({}, { key: otherKeys.privateKey }),
        description: /signature is invalid/,
      },
      {
        name: 'an expired assertion',
        make: () => assertion({}, { expiresIn: '-60s' }),
        description: /expired/,
      },
      {
        name: 'an assertion living too long',
        make: () => assertion({}, { expiresIn: '1h' }),
        description: /must expire within 300 seconds/,
      },
      {
        name: 'an assertion without jti',
        make: async () =>
          new SignJWT({})
            .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
            .setIssuer(clientId)
            .setSubject(clientId)
            .setAudience(`${h.issuer}/oauth/token`)
            .setExpirationTime('60s')
            .sign(keys.privateKey),
        description: /jti/,
      },
      {
        name: 'an HMAC-signed assertion',
        make: async () =>
          new SignJWT({ jti: randomUUID() })
            .setProtectedHeader({ alg: 'HS256' })
            .setIssuer(clientId)
            .setSubject(clientId)
            .setAudience(`${h.issuer}/oauth/token`)
            .setExpirationTime('60s')
            .sign(new TextEncoder().encode('x'.repeat(32))),
        description: /asymmetric algorithm/,
      },
      { name: 'something that is not a JWT', make: async () => 'not-a-jwt', description: /not a JWT/ },
      {
        name: 'a client_id parameter naming another client',
        make: () => assertion(),
        extra: { client_id: 'someone-else' },
        description: /does not match the client assertion issuer/,
      },
      {
        name: 'a wrong client_assertion_type',
        make: () => assertion(),
        extra: { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' },
        description: /client_assertion_type must be/,
      },
    ];

    test.for(bad)('refuses $name', async (testCase) => {
      const error = await failure(redeem(await testCase.make(), testCase.extra));
      expect(error.code).toBe('invalid_client');
      expect(error.description).toMatch(testCase.description);
    });

    test('accepts an assertion addressed to the revocation endpoint there', async () => {
      await h.caller.request(token.TokenService.method.revokeToken, {
        params: {
          token: 'unknown-token',
          client_assertion_type: JWT_BEARER_ASSERTION,
          client_assertion: await assertion({}, { audience: `${h.issuer}/oauth/revoke` }),
        },
        origin: ORIGIN,
      });
    });
  });
});

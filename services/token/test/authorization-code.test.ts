import { token } from '@gatehouse/proto';
import { describe, expect, test } from '@gatehouse/testing';
import { Redis } from 'ioredis';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll } from 'vitest';
import { sha256 } from '../src/tokens/opaque.ts';
import {
  authorize,
  codeRequest,
  eventually,
  exchange,
  failure,
  gidOf,
  type Harness,
  issueCode,
  ORIGIN,
  pkce,
  REDIRECT_URI,
  refreshAs,
  registerClient,
  startHarness,
  USER,
} from './harness.ts';

describe('authorization codes and the authorization_code grant', () => {
  let h: Harness;
  test.beforeEach(async ({ infrastructure, isolation }) => {
    h ??= await startHarness(infrastructure, isolation);
  });
  afterAll(async () => h?.close());

  test('issues an RFC 9068 ES256 access token that verifies against the published JWKS', async () => {
    const { client, tokens } = await authorize(h);
    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, scope: 'repos:read issues:read' });
    expect(tokens.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const header = decodeProtectedHeader(tokens.accessToken);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    const jwks = await h.caller.request(token.TokenService.method.getJwks, {});
    expect(jwks.keys.map((key) => key.kid)).toContain(header.kid);
    const { payload } = await jwtVerify(
      tokens.accessToken,
      createLocalJWKSet({ keys: jwks.keys.map(({ $typeName: _, ...key }) => key) }),
      { issuer: h.issuer, audience: h.resource, typ: 'at+jwt', algorithms: ['ES256'] },
    );
    expect(payload).toMatchObject({
      iss: 'http://localhost:8080',
      aud: 'http://localhost:8080/mcp',
      sub: USER.userId,
      client_id: client.clientId,
      scope: 'repos:read issues:read',
      gid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      jti: expect.any(String),
    });
    expect(payload.exp! - payload.iat!).toBe(900);
  });

  test('keeps a code in Redis only under its SHA-256, for AUTHORIZATION_CODE_TTL', async ({
    infrastructure,
  }) => {
    const client = await registerClient(h);
    const code = await issueCode(h, { clientId: client.clientId, challenge: pkce().challenge });
    const redis = new Redis(infrastructure.redisUrl);
    try {
      const prefix = h.redisPrefix;
      const keys = await redis.keys(`${prefix}*`);
      expect(keys).toContain(`${prefix}code:${sha256(code)}`);
      for (const key of keys) {
        expect(key).not.toContain(code);
        expect((await redis.type(key)) === 'string' ? await redis.get(key) : '').not.toContain(code);
      }
      const ttl = await redis.pttl(`${prefix}code:${sha256(code)}`);
      expect(ttl).toBeGreaterThan(55_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      redis.disconnect();
    }
  });

  test('audits every step of a grant’s life with client, grant, user and origin', async () => {
    const { client, tokens } = await authorize(h);
    const gid = gidOf(tokens.accessToken);
    const next = await refreshAs(h, tokens.refreshToken, client.clientId);
    await h.caller.request(token.TokenService.method.revokeToken, {
      params: { token: next.refreshToken, client_id: client.clientId },
      origin: ORIGIN,
    });
    const events = await eventually(async () => {
      const mine = (await h.events()).filter((event) => event.clientId === client.clientId);
      expect(mine.map((event) => event.type)).toEqual([
        'token.client.registered',
        'token.code.issued',
        'token.code.redeemed',
        'token.token.issued',
        'token.refresh_token.rotated',
        'token.grant.revoked',
        'token.token.revoked',
      ]);
      return mine;
    });
    for (const event of events) expect(event).toMatchObject({ ip: ORIGIN.ip, userAgent: ORIGIN.userAgent });
    for (const event of events.slice(2)) expect(event.grantId).toBe(gid);
    for (const event of events.slice(1, 6)) expect(event.actor?.userId).toBe(USER.userId);
  });

  test('accepts the resource with a trailing slash and issues the canonical audience', async () => {
    const client = await registerClient(h);
    const { verifier, challenge } = pkce();
    const code = await issueCode(h, { clientId: client.clientId, challenge, resource: `${h.resource}/` });
    const tokens = await exchange(h, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
      client_id: client.clientId,
      resource: `${h.resource}/`,
    });
    const [, payload] = tokens.accessToken.split('.');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString()).aud).toBe(h.resource);
  });

  test('issues no refresh token to a client that did not register the refresh_token grant', async () => {
    const { client, tokens } = await authorize(h, { metadata: { grantTypes: ['authorization_code'] } });
    expect(tokens.refreshToken).toBe('');
    const error = await failure(
      exchange(h, { grant_type: 'refresh_token', refresh_token: 'x'.repeat(43), client_id: client.clientId }),
    );
    expect(error.code).toBe('unauthorized_client');
  });

  test('lets a client with one registered redirect URI leave redirect_uri out', async () => {
    const client = await registerClient(h);
    const { verifier, challenge } = pkce();
    const code = await issueCode(h, { clientId: client.clientId, challenge });
    const tokens = await exchange(h, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id: client.clientId,
    });
    expect(tokens.accessToken).toBeTruthy();
  });

  // Each case: what to change in a valid request, and the exact OAuth error (RFC 6749 §5.2).
  const cases: {
    name: string;
    change: (valid: Record<string, string>, other: string) => Record<string, string>;
    code: string;
    description: RegExp;
    twoRedirectUris?: boolean;
  }[] = [
    {
      name: 'grant_type missing',
      change: ({ grant_type: _, ...rest }) => rest,
      code: 'invalid_request',
      description: /grant_type is required/,
    },
    {
      name: 'grant_type unsupported',
      change: (v) => ({ ...v, grant_type: 'password' }),
      code: 'unsupported_grant_type',
      description: /authorization_code or refresh_token/,
    },
    {
      name: 'code missing',
      change: ({ code: _, ...rest }) => rest,
      code: 'invalid_request',
      description: /code is required/,
    },
    {
      name: 'code unknown',
      change: (v) => ({ ...v, code: 'A'.repeat(43) }),
      code: 'invalid_grant',
      description: /invalid or has expired/,
    },
    {
      name: 'code_verifier missing',
      change: ({ code_verifier: _, ...rest }) => rest,
      code: 'invalid_request',
      description: /code_verifier is required/,
    },
    {
      name: 'code_verifier too short',
      change: (v) => ({ ...v, code_verifier: 'abc' }),
      code: 'invalid_request',
      description: /43 to 128 unreserved/,
    },
    {
      name: 'code_verifier with a forbidden character',
      change: (v) => ({ ...v, code_verifier: `${'a'.repeat(43)}+` }),
      code: 'invalid_request',
      description: /43 to 128 unreserved/,
    },
    {
      name: 'code_verifier wrong',
      change: (v) => ({ ...v, code_verifier: 'b'.repeat(43) }),
      code: 'invalid_grant',
      description: /does not match the code_challenge/,
    },
    {
      name: 'redirect_uri different',
      change: (v) => ({ ...v, redirect_uri: 'https://chatgpt.com/connector/oauth/other' }),
      code: 'invalid_grant',
      description: /redirect_uri does not match/,
    },
    {
      name: 'redirect_uri missing when two are registered',
      change: ({ redirect_uri: _, ...rest }) => rest,
      code: 'invalid_request',
      description: /redirect_uri is required/,
      twoRedirectUris: true,
    },
    {
      name: 'resource different',
      change: (v) => ({ ...v, resource: 'https://evil.example/mcp' }),
      code: 'invalid_target',
      description: /resource does not match/,
    },
    {
      name: 'client is another one',
      change: (v, other) => ({ ...v, client_id: other }),
      code: 'invalid_grant',
      description: /issued to another client/,
    },
    {
      name: 'client unknown',
      change: (v) => ({ ...v, client_id: 'no-such-client' }),
      code: 'invalid_client',
      description: /unknown/,
    },
    {
      name: 'client_id absent',
      change: ({ client_id: _, ...rest }) => rest,
      code: 'invalid_client',
      description: /Client authentication is required/,
    },
  ];

  test.for(cases)('refuses a token request with $name', async (testCase) => {
    const client = await registerClient(
      h,
      testCase.twoRedirectUris
        ? { redirectUris: [REDIRECT_URI, 'https://claude.ai/api/mcp/auth_callback'] }
        : {},
    );
    const other = await registerClient(h);
    const { verifier, challenge } = pkce();
    const code = await issueCode(h, { clientId: client.clientId, challenge });
    const valid = {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
      client_id: client.clientId,
      resource: h.resource,
    };
    const error = await failure(exchange(h, testCase.change(valid, other.clientId)));
    expect(error.code).toBe(testCase.code);
    expect(error.description).toMatch(testCase.description);
    expect(error.httpStatus).toBe(testCase.code === 'invalid_client' ? 401 : 400);
  });

  test('burns a code whose redemption was refused, so a corrected retry cannot use it', async () => {
    const client = await registerClient(h);
    const { verifier, challenge } = pkce();
    const code = await issueCode(h, { clientId: client.clientId, challenge });
    const base = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: client.clientId,
    };
    expect((await failure(exchange(h, { ...base, code_verifier: 'c'.repeat(43) }))).code).toBe(
      'invalid_grant',
    );
    const retry = await failure(exchange(h, { ...base, code_verifier: verifier }));
    expect(retry).toMatchObject({
      code: 'invalid_grant',
      description: expect.stringMatching(/already been used/),
    });
  });

  test('audits refused token requests with their error code and no secret', async () => {
    const client = await registerClient(h);
    await failure(
      exchange(h, {
        grant_type: 'authorization_code',
        code: 'secret-code-value',
        client_id: client.clientId,
      }),
    );
    const rejected = await eventually(async () => {
      const events = (await h.events('token.token.rejected')).filter((e) => e.clientId === client.clientId);
      expect(events.length).toBeGreaterThan(0);
      return events;
    });
    expect(rejected[0]).toMatchObject({
      reason: 'invalid_request',
      ip: ORIGIN.ip,
      userAgent: ORIGIN.userAgent,
    });
    expect(JSON.stringify(rejected[0]!.details)).not.toContain('secret-code-value');
  });

  test('redeems one code exactly once under 100 parallel redemptions, and the replays revoke its grant', async () => {
    const client = await registerClient(h);
    const params = { ...(await codeRequest(h, client.clientId)), client_id: client.clientId };
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => exchange(h, params)));
    const successes = results.filter((r) => r.status === 'fulfilled');
    const failures = results
      .filter((r) => r.status === 'rejected')
      .map((r) => (r as PromiseRejectedResult).reason);
    expect(successes).toHaveLength(1);
    expect(failures).toHaveLength(99);
    for (const error of failures) expect(error).toMatchObject({ code: 'invalid_grant' });

    // RFC 6749 §4.1.2: the code was presented again, so what it produced is revoked.
    const tokens = (successes[0] as PromiseFulfilledResult<token.TokenResponse>).value;
    const gid = gidOf(tokens.accessToken);
    await eventually(async () => {
      const revoked = await h.events('token.grant.revoked');
      expect(revoked.map((event) => event.grantId)).toContain(gid);
    });
    const refresh = await failure(refreshAs(h, tokens.refreshToken, client.clientId));
    expect(refresh.code).toBe('invalid_grant');
  });

  test('revokes the grant when a redeemed code is replayed later, and publishes token.grant.revoked', async () => {
    const client = await registerClient(h);
    const params = { ...(await codeRequest(h, client.clientId)), client_id: client.clientId };
    const tokens = await exchange(h, params);
    const listed = await h.caller.request(token.TokenService.method.listGrants, { userId: USER.userId });
    const gid = gidOf(tokens.accessToken);
    expect(listed.grants.map((grant) => grant.id)).toContain(gid);

    const replay = await failure(exchange(h, params));
    expect(replay).toMatchObject({
      code: 'invalid_grant',
      description: expect.stringMatching(/already been used/),
    });
    const after = await h.caller.request(token.TokenService.method.listGrants, { userId: USER.userId });
    expect(after.grants.map((grant) => grant.id)).not.toContain(gid);
    const revoked = await h.events('token.grant.revoked');
    expect(revoked.find((event) => event.grantId === gid)).toMatchObject({ reason: 'code_replayed' });
    const replayed = await eventually(async () => {
      const events = (await h.events('token.code.replayed')).filter((event) => event.grantId === gid);
      expect(events).toHaveLength(1);
      return events;
    });
    expect(replayed[0]!.clientId).toBe(client.clientId);
  });
});

describe('IssueCode', () => {
  let h: Harness;
  test.beforeEach(async ({ infrastructure, isolation }) => {
    h ??= await startHarness(infrastructure, isolation);
  });
  afterAll(async () => h?.close());

  const { challenge } = pkce();
  const cases: { name: string; input: Record<string, unknown>; code: string; description: RegExp }[] = [
    {
      name: 'an unknown client',
      input: { clientId: 'nobody' },
      code: 'invalid_request',
      description: /unknown/,
    },
    {
      name: 'an unregistered redirect URI',
      input: { redirectUri: 'https://chatgpt.com/connector/oauth/zzz' },
      code: 'invalid_request',
      description: /not registered/,
    },
    {
      name: 'a plain (non-S256) challenge',
      input: { codeChallenge: 'short' },
      code: 'invalid_request',
      description: /S256/,
    },
    { name: 'no scope', input: { scopes: [] }, code: 'invalid_scope', description: /At least one scope/ },
    {
      name: 'a scope outside the catalog',
      input: { scopes: ['admin'] },
      code: 'invalid_scope',
      description: /not supported/,
    },
    {
      name: 'another resource',
      input: { resource: 'https://elsewhere.example/mcp' },
      code: 'invalid_target',
      description: /must be http:\/\/localhost:8080\/mcp/,
    },
    { name: 'no user', input: { userId: '' }, code: 'invalid_request', description: /user_id/ },
  ];

  test.for(cases)('refuses $name', async (testCase) => {
    const client = await registerClient(h, { scope: 'repos:read issues:read' });
    const error = await failure(
      h.caller.request(token.TokenService.method.issueCode, {
        clientId: client.clientId,
        redirectUri: REDIRECT_URI,
        codeChallenge: challenge,
        scopes: ['repos:read'],
        resource: h.resource,
        ...USER,
        ...testCase.input,
      }),
    );
    expect(error.code).toBe(testCase.code);
    expect(error.description).toMatch(testCase.description);
  });

  test('lets a registered client step up beyond the scope it registered with', async () => {
    const client = await registerClient(h, { scope: 'repos:read' });
    const response = await h.caller.request(token.TokenService.method.issueCode, {
      clientId: client.clientId,
      redirectUri: REDIRECT_URI,
      codeChallenge: challenge,
      scopes: ['repos:read', 'issues:write'],
      ...USER,
    });
    expect(response.code).toBeTruthy();
  });

  test('accepts a loopback redirect URI on another port than registered (RFC 8252 §7.3)', async () => {
    const client = await registerClient(h, { redirectUris: ['http://127.0.0.1:33418/callback'] });
    const response = await h.caller.request(token.TokenService.method.issueCode, {
      clientId: client.clientId,
      redirectUri: 'http://127.0.0.1:50000/callback',
      codeChallenge: challenge,
      scopes: ['repos:read'],
      resource: '',
      ...USER,
    });
    expect(response.code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(response.expiresIn).toBe(60);
  });
});

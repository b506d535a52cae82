import { token } from '@gatehouse/proto';
import { describe, expect, test } from '@gatehouse/testing';
import { afterAll } from 'vitest';
import {
  basic,
  codeRequest,
  eventually,
  exchange,
  failure,
  gidOf,
  type Harness,
  ORIGIN,
  pkce,
  REDIRECT_URI,
  refreshAs,
  registerClient,
  startHarness,
  USER,
} from './harness.ts';

describe('revocation (RFC 7009) and introspection (RFC 7662)', () => {
  let h: Harness;
  test.beforeEach(async ({ infrastructure, isolation }) => {
    h ??= await startHarness(infrastructure, isolation);
  });
  afterAll(async () => h?.close());

  /** A confidential client (client_secret_basic) with a fresh grant. */
  async function confidentialGrant() {
    const client = await registerClient(h, { tokenEndpointAuthMethod: 'client_secret_basic' });
    const authorization = basic(client.clientId, client.clientSecret);
    const tokens = await exchange(h, await codeRequest(h, client.clientId), authorization);
    return { client, authorization, tokens, gid: gidOf(tokens.accessToken) };
  }

  const revoke = (params: Record<string, string>, authorization = '') =>
    h.caller.request(token.TokenService.method.revokeToken, { params, authorization, origin: ORIGIN });
  const introspect = (params: Record<string, string>, authorization = '') =>
    h.caller.request(token.TokenService.method.introspectToken, { params, authorization, origin: ORIGIN });
  const refresh = (refreshToken: string, authorization: string) =>
    exchange(h, { grant_type: 'refresh_token', refresh_token: refreshToken }, authorization);

  test('introspects an active access token and refresh token of the calling client', async () => {
    const { client, authorization, tokens, gid } = await confidentialGrant();
    const access = await introspect({ token: tokens.accessToken }, authorization);
    expect(access).toMatchObject({
      active: true,
      tokenType: 'access_token',
      scope: 'repos:read issues:read',
      clientId: client.clientId,
      username: USER.githubLogin,
      sub: USER.userId,
      aud: h.resource,
      iss: h.issuer,
      grantId: gid,
    });
    expect(Number(access.exp) - Number(access.iat)).toBe(900);
    const refreshed = await introspect(
      { token: tokens.refreshToken, token_type_hint: 'refresh_token' },
      authorization,
    );
    expect(refreshed).toMatchObject({
      active: true,
      tokenType: 'refresh_token',
      grantId: gid,
      sub: USER.userId,
    });
    await eventually(async () => {
      const events = await h.events('token.token.introspected');
      expect(events.filter((event) => event.clientId === client.clientId)).toHaveLength(2);
    });
  });

  test('revokes the grant when its refresh token is revoked, and publishes token.grant.revoked', async () => {
    const { authorization, tokens, gid } = await confidentialGrant();
    await revoke({ token: tokens.refreshToken, token_type_hint: 'refresh_token' }, authorization);
    expect((await failure(refresh(tokens.refreshToken, authorization))).code).toBe('invalid_grant');
    expect(await introspect({ token: tokens.accessToken }, authorization)).toEqual(
      expect.objectContaining({ active: false }),
    );
    const revoked = await h.events('token.grant.revoked');
    expect(revoked.find((event) => event.grantId === gid)).toMatchObject({
      reason: 'token_revoked',
      ip: ORIGIN.ip,
    });
  });

  test('revokes the grant when its access token is revoked, whatever the hint says', async () => {
    const { authorization, tokens, gid } = await confidentialGrant();
    await revoke({ token: tokens.accessToken, token_type_hint: 'refresh_token' }, authorization);
    expect((await failure(refresh(tokens.refreshToken, authorization))).code).toBe('invalid_grant');
    expect((await h.events('token.grant.revoked')).map((event) => event.grantId)).toContain(gid);
  });

  test('finds a refresh token even when the hint says access_token', async () => {
    const { authorization, tokens } = await confidentialGrant();
    await revoke({ token: tokens.refreshToken, token_type_hint: 'access_token' }, authorization);
    expect((await failure(refresh(tokens.refreshToken, authorization))).code).toBe('invalid_grant');
  });

  test('answers success for an unknown token and changes nothing (RFC 7009 §2.2)', async () => {
    const { authorization, tokens } = await confidentialGrant();
    await revoke({ token: 'no-such-token' }, authorization);
    await revoke({ token: 'eyJhbGciOiJFUzI1NiJ9.eyJ4IjoxfQ.c2ln' }, authorization);
    expect((await refresh(tokens.refreshToken, authorization)).accessToken).toBeTruthy();
  });

  test('answers success for another client’s tokens without revoking them', async () => {
    const victim = await confidentialGrant();
    const attacker = await confidentialGrant();
    await revoke({ token: victim.tokens.refreshToken }, attacker.authorization);
    await revoke({ token: victim.tokens.accessToken }, attacker.authorization);
    expect((await introspect({ token: victim.tokens.accessToken }, attacker.authorization)).active).toBe(
      false,
    );
    expect((await introspect({ token: victim.tokens.accessToken }, victim.authorization)).active).toBe(true);
    expect((await refresh(victim.tokens.refreshToken, victim.authorization)).accessToken).toBeTruthy();
  });

  test('lets a public client revoke its own tokens with its client_id', async () => {
    const client = await registerClient(h);
    const tokens = await exchange(h, {
      ...(await codeRequest(h, client.clientId)),
      client_id: client.clientId,
    });
    await revoke({ token: tokens.refreshToken, client_id: client.clientId });
    const error = await failure(refreshAs(h, tokens.refreshToken, client.clientId));
    expect(error.code).toBe('invalid_grant');
  });

  test('reports a rotated refresh token as inactive', async () => {
    const { authorization, tokens } = await confidentialGrant();
    await refresh(tokens.refreshToken, authorization);
    expect((await introspect({ token: tokens.refreshToken }, authorization)).active).toBe(false);
  });

  test.for<{ name: string; call: string; params: Record<string, string>; code: string; anonymous?: boolean }>(
    [
      { name: 'revocation without a token', call: 'revoke', params: {}, code: 'invalid_request' },
      { name: 'introspection without a token', call: 'introspect', params: {}, code: 'invalid_request' },
      {
        name: 'revocation without client authentication',
        call: 'revoke',
        params: { token: 'x' },
        code: 'invalid_client',
        anonymous: true,
      },
      {
        name: 'introspection without client authentication',
        call: 'introspect',
        params: { token: 'x' },
        code: 'invalid_client',
        anonymous: true,
      },
    ],
  )('refuses $name', async (testCase) => {
    const { authorization } = await confidentialGrant();
    const call = testCase.call === 'revoke' ? revoke : introspect;
    const error = await failure(call(testCase.params, testCase.anonymous ? '' : authorization));
    expect(error.code).toBe(testCase.code);
  });

  test('refuses introspection to a public client, which has no credentials to prove who it is', async () => {
    const client = await registerClient(h);
    const error = await failure(introspect({ token: 'x', client_id: client.clientId }));
    expect(error).toMatchObject({ code: 'invalid_client', httpStatus: 401 });
    expect(error.description).toMatch(/requires client authentication/);
  });
});

describe('the connected-apps page: ListGrants and RevokeGrant', () => {
  let h: Harness;
  test.beforeEach(async ({ infrastructure, isolation }) => {
    h ??= await startHarness(infrastructure, isolation);
  });
  afterAll(async () => h?.close());

  async function grantFor(userId: string, clientName: string) {
    const client = await registerClient(h, { clientName });
    const { verifier, challenge } = pkce();
    const response = await h.caller.request(token.TokenService.method.issueCode, {
      clientId: client.clientId,
      redirectUri: REDIRECT_URI,
      codeChallenge: challenge,
      scopes: ['repos:read'],
      resource: h.resource,
      userId,
      githubLogin: userId,
    });
    const tokens = await exchange(h, {
      grant_type: 'authorization_code',
      code: response.code,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
      client_id: client.clientId,
    });
    return { client, tokens, gid: gidOf(tokens.accessToken) };
  }

  test('lists a person’s grants, newest first, with client name, scopes and redirect host', async () => {
    const first = await grantFor('alice', 'First app');
    const second = await grantFor('alice', 'Second app');
    await grantFor('bob', 'Bob’s app');
    const { grants } = await h.caller.request(token.TokenService.method.listGrants, { userId: 'alice' });
    expect(grants.map((grant) => grant.id)).toEqual([second.gid, first.gid]);
    expect(grants[0]).toMatchObject({
      clientId: second.client.clientId,
      clientName: 'Second app',
      scopes: ['repos:read'],
      redirectHost: 'chatgpt.com',
    });
    expect(grants[0]!.createdAt).toBeDefined();
  });

  test('revokes a person’s own grant, kills its refresh token and publishes token.grant.revoked', async () => {
    const { client, tokens, gid } = await grantFor('carol', 'Carol’s app');
    await h.caller.request(token.TokenService.method.revokeGrant, {
      userId: 'carol',
      grantId: gid,
      origin: ORIGIN,
    });
    const { grants } = await h.caller.request(token.TokenService.method.listGrants, { userId: 'carol' });
    expect(grants).toEqual([]);
    const refresh = await failure(refreshAs(h, tokens.refreshToken, client.clientId));
    expect(refresh.code).toBe('invalid_grant');
    const revoked = await h.events('token.grant.revoked');
    expect(revoked.find((event) => event.grantId === gid)).toMatchObject({
      reason: 'revoked_by_user',
      actor: { userId: 'carol' },
    });
  });

  test('answers not_found for someone else’s grant and for a malformed id, revoking nothing', async () => {
    const { gid } = await grantFor('dave', 'Dave’s app');
    for (const request of [
      { userId: 'mallory', grantId: gid },
      { userId: 'dave', grantId: 'not-a-uuid' },
    ]) {
      const error = await failure(h.caller.request(token.TokenService.method.revokeGrant, request));
      expect(error).toMatchObject({ code: 'not_found', httpStatus: 404 });
    }
    const { grants } = await h.caller.request(token.TokenService.method.listGrants, { userId: 'dave' });
    expect(grants.map((grant) => grant.id)).toEqual([gid]);
  });
});

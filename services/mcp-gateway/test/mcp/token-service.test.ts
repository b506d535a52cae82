import { token } from '@gatehouse/proto';
import { describe, expect, type RunningService, startService, test } from '@gatehouse/testing';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { tokenServiceJwks } from '../../src/auth/token-service-jwks.ts';
import { withTestEventStream } from '../oauth/event-stream.ts';
import { startTestGateway, type TestGateway } from './harness.ts';
import { post } from './http.ts';
import { issueToken, tokenServiceEnv } from './token-service.ts';

// Against the real token service process: the production key source (GetJwks over the bus),
// tokens it mints, and the revocation event it publishes.
const PUBLIC_URL = 'http://localhost:8080';
const RESOURCE = `${PUBLIC_URL}/mcp`;
const LIST = { jsonrpc: '2.0', id: 1, method: 'tools/list' };

let tokenService: RunningService;
let gateway: TestGateway;

describe('with the real token service', () => {
  withTestEventStream();
  test.beforeAll(async ({ infrastructure, isolation }) => {
    tokenService = await startService('token', tokenServiceEnv(infrastructure, isolation, PUBLIC_URL));
    gateway = await startTestGateway(infrastructure, isolation, { env: { PUBLIC_URL } });
  });
  test.afterAll(async () => {
    await gateway?.close();
    await tokenService?.stop();
  });

  test('reads the published signing keys over the bus: P-256 public keys only', async () => {
    const jwks = await tokenServiceJwks(gateway.bus)();
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', kid: expect.any(String) });
      expect(key.d).toBeUndefined();
    }
  });

  test('accepts the access token the token service issues, and serves tools to it', async () => {
    const issued = await issueToken(gateway.bus, {
      resource: RESOURCE,
      scopes: ['repos:read'],
      userId: 'u-real',
    });
    expect(decodeProtectedHeader(issued.accessToken)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(decodeJwt(issued.accessToken)).toMatchObject({ iss: PUBLIC_URL, aud: RESOURCE, sub: 'u-real' });
    const response = await post(gateway.mcpUrl, LIST, { token: issued.accessToken });
    expect(response.status).toBe(200);
    expect((await response.json()).result.tools.length).toBeGreaterThan(0);
  });

  test('refuses the token within a second after the client revokes it (RFC 7009)', async () => {
    const issued = await issueToken(gateway.bus, {
      resource: RESOURCE,
      scopes: ['repos:read'],
      userId: 'u-revoke',
    });
    expect((await post(gateway.mcpUrl, LIST, { token: issued.accessToken })).status).toBe(200);
    const revokedAt = Date.now();
    await gateway.bus.request(token.TokenService.method.revokeToken, {
      params: { token: issued.refreshToken, client_id: issued.clientId },
    });
    for (;;) {
      const response = await post(gateway.mcpUrl, LIST, { token: issued.accessToken });
      if (response.status === 401) break;
      expect(Date.now() - revokedAt).toBeLessThan(1_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
  });

  test('keeps accepting tokens across a key rotation, learning the new key on first sight', async () => {
    const before = await issueToken(gateway.bus, {
      resource: RESOURCE,
      scopes: ['repos:read'],
      userId: 'u-rotate',
    });
    await gateway.bus.request(token.TokenService.method.rotateKeys, {});
    const after = await issueToken(gateway.bus, {
      resource: RESOURCE,
      scopes: ['repos:read'],
      userId: 'u-rotate',
    });
    expect(decodeProtectedHeader(after.accessToken).kid).not.toBe(
      decodeProtectedHeader(before.accessToken).kid,
    );
    expect((await post(gateway.mcpUrl, LIST, { token: after.accessToken })).status).toBe(200);
    expect((await post(gateway.mcpUrl, LIST, { token: before.accessToken })).status).toBe(200);
  });
});

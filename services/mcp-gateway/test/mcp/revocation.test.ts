import { Bus } from '@gatehouse/bus';
import { createLogger } from '@gatehouse/logging';
import { describe, expect, test } from '@gatehouse/testing';
import { withTestEventStream } from '../oauth/event-stream.ts';
import { PUBLIC_URL, RESOURCE, startTestGateway, type TestGateway } from './harness.ts';
import { post } from './http.ts';
import { jwksOf, mintAccessToken, testSigningKey } from './tokens.ts';

const key = await testSigningKey();
const jwks = jwksOf(key);
const LIST = { jsonrpc: '2.0', id: 1, method: 'tools/list' };

/** Polls one replica until the token is refused; resolves with how long that took (ms). */
async function refusedWithin(
  gateway: TestGateway,
  token: string,
  since: number,
  limitMs: number,
): Promise<number> {
  for (;;) {
    const response = await post(gateway.mcpUrl, LIST, { token });
    if (response.status === 401) {
      expect(response.headers.get('www-authenticate')).toContain(
        'error="invalid_token", error_description="The access token has been revoked."',
      );
      return Date.now() - since;
    }
    expect(response.status).toBe(200);
    if (Date.now() - since > limitMs) throw new Error(`still accepted after ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let first: TestGateway;
let second: TestGateway;
let tokenService: Bus;

describe('grant revocation', () => {
  withTestEventStream();
  test.beforeAll(async ({ infrastructure, isolation }) => {
    [first, second] = await Promise.all([
      startTestGateway(infrastructure, isolation, { jwks: async () => jwks }),
      startTestGateway(infrastructure, isolation, { jwks: async () => jwks }),
    ]);
    // Publishes as the token service does: the same envelope, on the same stream.
    tokenService = await Bus.connect({
      url: infrastructure.natsUrl,
      prefix: isolation.natsPrefix,
      service: 'token',
      logger: createLogger({ service: 'token', level: 'silent' }),
    });
  });
  test.afterAll(async () => {
    await Promise.all([first?.close(), second?.close(), tokenService?.drain()]);
  });

  test('a revoked grant fails its next call within one second on each of two replicas', async () => {
    const token = await mintAccessToken(key, {
      issuer: PUBLIC_URL,
      audience: RESOURCE,
      grantId: 'g-two-replicas',
    });
    const other = await mintAccessToken(key, {
      issuer: PUBLIC_URL,
      audience: RESOURCE,
      grantId: 'g-untouched',
    });
    for (const gateway of [first, second]) {
      expect((await post(gateway.mcpUrl, LIST, { token })).status).toBe(200);
    }
    const revokedAt = Date.now();
    await tokenService.events.publish({
      type: 'token.grant.revoked',
      outcome: 'success',
      grantId: 'g-two-replicas',
    });
    const [onFirst, onSecond] = await Promise.all([
      refusedWithin(first, token, revokedAt, 1_000),
      refusedWithin(second, token, revokedAt, 1_000),
    ]);
    expect(onFirst).toBeLessThan(1_000);
    expect(onSecond).toBeLessThan(1_000);
    // Other grants are unaffected.
    expect((await post(first.mcpUrl, LIST, { token: other })).status).toBe(200);
  });

  test('a replica that starts after the revocation replays it before serving', async ({
    infrastructure,
    isolation,
  }) => {
    const token = await mintAccessToken(key, {
      issuer: PUBLIC_URL,
      audience: RESOURCE,
      grantId: 'g-replayed',
    });
    await tokenService.events.publish({
      type: 'token.grant.revoked',
      outcome: 'success',
      grantId: 'g-replayed',
    });
    const late = await startTestGateway(infrastructure, isolation, { jwks: async () => jwks });
    try {
      const response = await post(late.mcpUrl, LIST, { token });
      expect(response.status).toBe(401);
      expect(late.logs.lines().find((line) => line.msg === 'revocations replayed')).toMatchObject({
        revoked_grants: expect.any(Number),
      });
    } finally {
      await late.close();
    }
  });

  test('the revocation is logged and audited with the grant, never with a token', async () => {
    const token = await mintAccessToken(key, { issuer: PUBLIC_URL, audience: RESOURCE, grantId: 'g-logged' });
    await tokenService.events.publish({
      type: 'token.grant.revoked',
      outcome: 'success',
      grantId: 'g-logged',
    });
    await refusedWithin(first, token, Date.now(), 1_000);
    expect(
      first.logs.lines().some((line) => line.msg === 'grant revoked' && line.grant_id === 'g-logged'),
    ).toBe(true);
    expect(first.logs.text()).not.toContain(token);
  });
});

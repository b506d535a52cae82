// Attacks on the bearer token at /mcp: every forged, altered or misplaced token is refused with
// 401 invalid_token (RFC 6750 §3.1), while the genuine token keeps working.
import { createHmac } from 'node:crypto';
import { describe, expect } from '@gatehouse/testing';
import { INITIALIZE, mcpCall, mcpHeaders } from '../../bench/harness/mcp-client.ts';
import type { TokenSet } from '../../bench/harness/oauth-client.ts';
import { proofTest } from '../../bench/harness/proof-test.ts';
import { SecretLedger } from './support/leaks.ts';
import {
  activeSigningKey,
  decodePart,
  forgeAccessToken,
  keyEncryptionKey,
  part,
  type SigningKey,
} from './support/signing-key.ts';

/** The first test also starts the file's stack (five processes): slow on a busy 2-core machine. */
const STACK_START_TIMEOUT_MS = 60_000;

const kek = keyEncryptionKey();
const test = proofTest({
  env: {
    TOKEN_KEY_ENCRYPTION_KEYS: kek.env,
    RATE_LIMIT_REGISTER_PER_IP: 'off',
    RATE_LIMIT_AUTHORIZE_PER_IP: 'off',
  },
});
const TOOLS_LIST = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
const ledger = new SecretLedger();

interface Session {
  clientId: string;
  tokens: TokenSet;
  claims: Record<string, unknown>;
  key: SigningKey;
}
let session: Session | undefined;

describe('access token attacks at /mcp', () => {
  test('a genuine token is accepted (the baseline every refusal below is measured against)', {
    timeout: STACK_START_TIMEOUT_MS,
  }, async ({ stack, isolation }) => {
    const { clientId, tokens } = await stack.client.connect();
    ledger.addTokens(tokens as unknown as Record<string, unknown>);
    const key = await activeSigningKey(isolation.databaseUrl, kek.secret);
    session = { clientId, tokens, claims: decodePart(tokens.access_token, 1), key };
    const answer = await mcpCall(stack.resource, tokens.access_token, TOOLS_LIST);
    expect(answer.status).toBe(200);
    expect(answer.message?.result).toBeDefined();
    // The forgery oracle signs exactly like the token service: an unaltered forgery is accepted.
    const forged = await forge(stack.publicUrl, {});
    expect((await mcpCall(stack.resource, forged, TOOLS_LIST)).status).toBe(200);
  });

  async function forge(publicUrl: string, options: Parameters<typeof forgeAccessToken>[2]) {
    const current = session!;
    return forgeAccessToken(
      current.key,
      {
        issuer: publicUrl,
        audience: `${publicUrl}/mcp`,
        subject: String(current.claims.sub),
        grantId: String(current.claims.gid),
        clientId: current.clientId,
      },
      options,
    );
  }

  async function expectInvalidToken(resource: string, token: string) {
    const answer = await mcpCall(resource, token, INITIALIZE);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    expect(answer.message).toMatchObject({ jsonrpc: '2.0', error: { code: expect.any(Number) } });
    // Refusals never echo the token back.
    const signature = token.split('.')[2];
    if (signature) expect(answer.text).not.toContain(signature);
  }

  test('refuses alg none', async ({ stack }) => {
    const [, payload] = session!.tokens.access_token.split('.');
    const token = `${part({ alg: 'none', typ: 'at+jwt', kid: session!.key.kid })}.${payload}.`;
    await expectInvalidToken(stack.resource, token);
  });

  test('refuses HS256 signed with the published public key as the HMAC secret', async ({ stack }) => {
    const [, payload] = session!.tokens.access_token.split('.');
    const header = part({ alg: 'HS256', typ: 'at+jwt', kid: session!.key.kid });
    for (const secret of [JSON.stringify(session!.key.publicJwk), `${session!.key.publicJwk.x}`]) {
      const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
      await expectInvalidToken(stack.resource, `${header}.${payload}.${signature}`);
    }
  });

  test('refuses a genuinely signed token from another issuer', async ({ stack }) => {
    await expectInvalidToken(
      stack.resource,
      await forge(stack.publicUrl, { claims: { iss: 'https://evil.example' } }),
    );
  });

  test('refuses a genuinely signed token for another audience', async ({ stack }) => {
    for (const aud of ['https://other.example/mcp', `${stack.publicUrl}/mcp/`, stack.publicUrl, []]) {
      await expectInvalidToken(stack.resource, await forge(stack.publicUrl, { claims: { aud } }));
    }
  });

  test('refuses an expired token', async ({ stack }) => {
    const now = Math.floor(Date.now() / 1000);
    await expectInvalidToken(
      stack.resource,
      await forge(stack.publicUrl, { claims: { iat: now - 600, exp: now - 60 } }),
    );
  });

  test('refuses a token that is not yet valid (nbf or iat in the future)', async ({ stack }) => {
    const now = Math.floor(Date.now() / 1000);
    await expectInvalidToken(stack.resource, await forge(stack.publicUrl, { claims: { nbf: now + 600 } }));
    await expectInvalidToken(
      stack.resource,
      await forge(stack.publicUrl, { claims: { iat: now + 600, exp: now + 900 } }),
    );
  });

  test('refuses an unknown kid', async ({ stack }) => {
    await expectInvalidToken(
      stack.resource,
      await forge(stack.publicUrl, { header: { kid: 'no-such-key' } }),
    );
  });

  test('refuses kid values built for path traversal and SQL injection, and keeps serving', async ({
    stack,
  }) => {
    for (const kid of [
      '../../../../etc/passwd',
      '/dev/null',
      "' OR '1'='1",
      "x'; DROP TABLE token.signing_keys; --",
      '%00',
      'a'.repeat(10_000),
    ]) {
      await expectInvalidToken(stack.resource, await forge(stack.publicUrl, { header: { kid } }));
    }
    expect((await mcpCall(stack.resource, session!.tokens.access_token, TOOLS_LIST)).status).toBe(200);
  });

  test('refuses a tampered payload (scope widened, signature kept)', async ({ stack }) => {
    const [header, payload, signature] = session!.tokens.access_token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const tampered = part({ ...claims, scope: 'repos:read issues:read issues:write pulls:write' });
    await expectInvalidToken(stack.resource, `${header}.${tampered}.${signature}`);
  });

  test('refuses a token of the wrong type (typ JWT instead of at+jwt, RFC 9068 §4)', async ({ stack }) => {
    await expectInvalidToken(stack.resource, await forge(stack.publicUrl, { header: { typ: 'JWT' } }));
  });

  test('refuses a token carried in the query string, even a valid one (RFC 6750 §2.3)', async ({ stack }) => {
    const token = session!.tokens.access_token;
    const response = await fetch(`${stack.resource}?access_token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: mcpHeaders(undefined),
      body: JSON.stringify(INITIALIZE),
    });
    expect([400, 401]).toContain(response.status);
    expect(await response.text()).not.toContain(token);
  });

  test('refuses the access token once its grant is revoked', async ({ stack }) => {
    const { clientId, tokens } = await stack.client.connect();
    ledger.addTokens(tokens as unknown as Record<string, unknown>);
    expect((await mcpCall(stack.resource, tokens.access_token, TOOLS_LIST)).status).toBe(200);
    const revoked = await stack.client.revoke(clientId, tokens.refresh_token);
    expect(revoked.status).toBe(200);
    // Revocation reaches the gateway as an event; "within a second" (architecture, flow 6).
    const deadline = Date.now() + 2_000;
    let status = 200;
    while (Date.now() < deadline && status === 200) {
      status = (await mcpCall(stack.resource, tokens.access_token, TOOLS_LIST)).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(401);
  });

  test('leaks none of the tokens it handled into logs, events or error bodies', async ({ stack }) => {
    expect(ledger.values.size).toBeGreaterThan(0);
    ledger.expectAbsentFrom('service output', stack.output());
    ledger.expectAbsentFrom('events', stack.events.map((event) => event.payload).join('\n'));
  });
});

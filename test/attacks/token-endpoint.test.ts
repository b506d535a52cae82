// Attacks on POST /oauth/token: replayed codes and refresh tokens, codes presented by the wrong
// client, PKCE downgrade, audience and scope escalation. Each answer is the exact RFC 6749 §5.2 error.
import { describe, expect } from '@gatehouse/testing';
import { Browser, pkce } from '../../bench/harness/oauth-client.ts';
import { proofTest } from '../../bench/harness/proof-test.ts';
import { obtainCodeFor, RATE_LIMITS_OFF, REDIRECT, STACK_START_TIMEOUT_MS } from './support/code-flow.ts';
import { SecretLedger } from './support/leaks.ts';
import { expectOAuthError } from './support/oauth-errors.ts';

const test = proofTest({
  env: {
    ...RATE_LIMITS_OFF,
    // Replay must be told apart from the concurrent-refresh grace window.
    REFRESH_REUSE_GRACE: '0s',
  },
});
const ledger = new SecretLedger();

describe('token endpoint attacks', () => {
  test('a replayed authorization code fails and the grant it produced is revoked (RFC 6749 §4.1.2)', {
    timeout: STACK_START_TIMEOUT_MS,
  }, async ({ stack }) => {
    const { client } = stack;
    const clientId = await client.registerPublicClient();
    const { code, verifier } = await obtainCodeFor(client, clientId);
    ledger.add(code);
    const first = await client.exchangeCode(clientId, code!, REDIRECT, verifier.verifier);
    expect(first.status).toBe(200);
    ledger.addTokens(first.json);
    const replay = await client.exchangeCode(clientId, code!, REDIRECT, verifier.verifier);
    expectOAuthError(replay, 400, 'invalid_grant');
    expect(replay.text).not.toContain(code!);
    // The tokens issued from the first exchange should be revoked (RFC 6749 §10.5): the refresh token dies.
    const refreshed = await client.refresh(clientId, String(first.json?.refresh_token));
    expectOAuthError(refreshed, 400, 'invalid_grant');
  });

  test('a code issued to one client is refused to another', async ({ stack }) => {
    const { client } = stack;
    const victim = await client.registerPublicClient();
    const attacker = await client.registerPublicClient();
    const { code, verifier } = await obtainCodeFor(client, victim);
    ledger.add(code);
    expectOAuthError(
      await client.exchangeCode(attacker, code!, REDIRECT, verifier.verifier),
      400,
      'invalid_grant',
    );
  });

  test('PKCE: a missing verifier and a wrong verifier are refused', async ({ stack }) => {
    const { client } = stack;
    const clientId = await client.registerPublicClient();
    const verifier = pkce();
    const browser = new Browser();
    const missing = await client.obtainCode(browser, { clientId, redirectUri: REDIRECT, pkce: verifier });
    ledger.add(missing.code);
    const withoutVerifier = await client.token({
      grant_type: 'authorization_code',
      client_id: clientId,
      code: missing.code!,
      redirect_uri: REDIRECT,
    });
    // A missing parameter is invalid_request (RFC 6749 §5.2); a failed check invalid_grant (RFC 7636 §4.6).
    expect(withoutVerifier.status).toBe(400);
    expect(['invalid_request', 'invalid_grant']).toContain(withoutVerifier.json?.error);
    const wrong = await client.obtainCode(browser, { clientId, redirectUri: REDIRECT, pkce: verifier });
    ledger.add(wrong.code);
    expectOAuthError(
      await client.exchangeCode(clientId, wrong.code!, REDIRECT, pkce().verifier),
      400,
      'invalid_grant',
    );
  });

  test('PKCE: an authorization request without a challenge, or with method plain, gets no code', async ({
    stack,
  }) => {
    const { client } = stack;
    const clientId = await client.registerPublicClient();
    const verifier = pkce();
    const none = await client.authorize(new Browser(), { clientId, redirectUri: REDIRECT, state: 's1' });
    const plain = await client.authorize(new Browser(), {
      clientId,
      redirectUri: REDIRECT,
      state: 's2',
      extra: { code_challenge: verifier.verifier, code_challenge_method: 'plain' },
    });
    for (const outcome of [none, plain]) {
      expect(outcome.code).toBeUndefined();
      // The client is known and the redirect URI registered: the error goes back to it (RFC 6749 §4.1.2.1).
      expect(outcome.redirect?.searchParams.get('error')).toBe('invalid_request');
      expect(outcome.redirect?.origin + outcome.redirect!.pathname).toBe(REDIRECT);
    }
  });

  test('a redirect_uri at the token endpoint different from the authorization request is refused', async ({
    stack,
  }) => {
    const { client } = stack;
    const other = 'https://client.example.com/other';
    const clientId = await client.registerPublicClient({ redirect_uris: [REDIRECT, other] });
    const { code, verifier } = await obtainCodeFor(client, clientId);
    ledger.add(code);
    expectOAuthError(
      await client.exchangeCode(clientId, code!, other, verifier.verifier),
      400,
      'invalid_grant',
    );
  });

  test('a resource naming another audience is invalid_target (RFC 8707 §2)', async ({ stack }) => {
    const { client } = stack;
    const clientId = await client.registerPublicClient();
    const verifier = pkce();
    const outcome = await client.authorize(new Browser(), {
      clientId,
      redirectUri: REDIRECT,
      pkce: verifier,
      state: 'st',
      resource: 'https://evil.example/mcp',
    });
    expect(outcome.code).toBeUndefined();
    expect(outcome.redirect?.searchParams.get('error')).toBe('invalid_target');
    const { code } = await obtainCodeFor(client, clientId, verifier);
    ledger.add(code);
    expectOAuthError(
      await client.exchangeCode(clientId, code!, REDIRECT, verifier.verifier, 'https://evil.example/mcp'),
      400,
      'invalid_target',
    );
  });

  test('a refresh cannot widen the scope of the grant (RFC 6749 §6)', async ({ stack }) => {
    const { clientId, tokens } = await stack.client.connect({ scope: 'repos:read' });
    ledger.addTokens(tokens as unknown as Record<string, unknown>);
    const escalated = await stack.client.refresh(clientId, tokens.refresh_token, {
      scope: 'repos:read issues:write pulls:write',
    });
    expectOAuthError(escalated, 400, 'invalid_scope');
  });

  test('a replayed refresh token fails and revokes the whole grant', async ({ stack }) => {
    const { client } = stack;
    const { clientId, tokens } = await client.connect();
    ledger.addTokens(tokens as unknown as Record<string, unknown>);
    const rotated = await client.refresh(clientId, tokens.refresh_token);
    expect(rotated.status).toBe(200);
    ledger.addTokens(rotated.json);
    expectOAuthError(await client.refresh(clientId, tokens.refresh_token), 400, 'invalid_grant');
    // Reuse detection revokes the grant: the legitimately rotated token dies too.
    expectOAuthError(
      await client.refresh(clientId, String(rotated.json?.refresh_token)),
      400,
      'invalid_grant',
    );
  });

  test('leaks none of the codes and tokens it handled into logs, events or error bodies', async ({
    stack,
  }) => {
    expect(ledger.values.size).toBeGreaterThan(5);
    ledger.expectAbsentFrom('service output', stack.output());
    ledger.expectAbsentFrom('events', stack.events.map((event) => event.payload).join('\n'));
  });
});

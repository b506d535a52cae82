import { token } from '@gatehouse/proto';
import { describe, expect, test } from '@gatehouse/testing';
import { afterAll } from 'vitest';
import { failure, type Harness, pkce, REDIRECT_URI, registerClient, startHarness, USER } from './harness.ts';

describe('when a dependency is down', () => {
  let h: Harness;
  test.beforeEach(async ({ infrastructure, isolation }) => {
    // Nothing listens on port 1: every Redis command fails after its retries.
    h ??= await startHarness(infrastructure, isolation, { REDIS_URL: 'redis://127.0.0.1:1' });
  });
  afterAll(async () => h?.close());

  test('answers unavailable (503, retryable) instead of an internal error', async () => {
    const client = await registerClient(h);
    const error = await failure(
      h.caller.request(token.TokenService.method.issueCode, {
        clientId: client.clientId,
        redirectUri: REDIRECT_URI,
        codeChallenge: pkce().challenge,
        scopes: ['repos:read'],
        ...USER,
      }),
    );
    expect(error).toMatchObject({ code: 'unavailable', httpStatus: 503, retryable: true });
    expect(error.description).toMatch(/temporarily unavailable/);
  });
});

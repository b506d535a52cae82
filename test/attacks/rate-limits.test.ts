// Brute force against the token endpoint meets the limiter, and X-Forwarded-For from an untrusted
// peer cannot buy fresh budgets (TRUST_PROXY=none, the default).
import { randomBytes } from 'node:crypto';
import { describe, expect } from '@gatehouse/testing';
import { proofTest } from '../../bench/harness/proof-test.ts';
import { OAUTH_ERRORS } from './support/oauth-errors.ts';

/** The first test also starts the file's stack (five processes): slow on a busy 2-core machine. */
const STACK_START_TIMEOUT_MS = 60_000;

const test = proofTest({
  env: {
    RATE_LIMIT_TOKEN_PER_IP: '10/1m',
    RATE_LIMIT_TOKEN_PER_CLIENT: '1000/1m',
    RATE_LIMIT_REGISTER_PER_IP: '5/1h',
  },
});

describe('rate limits under attack', () => {
  test('guessing codes at the token endpoint is cut off with 429 and Retry-After', {
    timeout: STACK_START_TIMEOUT_MS,
  }, async ({ stack }) => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let attempt = 0; attempt < 25; attempt++) {
      const response = await fetch(`${stack.publicUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: 'guessing-client',
          code: randomBytes(24).toString('base64url'),
          redirect_uri: 'https://client.example.com/callback',
          code_verifier: randomBytes(32).toString('base64url'),
        }).toString(),
      });
      statuses.push(response.status);
      if (response.status === 429) limited ??= response;
      const body = (await response.json()) as { error?: string };
      expect(
        OAUTH_ERRORS.has(String(body.error)) || body.error === 'slow_down' || body.error === 'rate_limited',
      ).toBe(true);
    }
    expect(statuses.slice(0, 10).every((status) => status !== 429)).toBe(true);
    expect(statuses.slice(12)).toEqual(Array(13).fill(429));
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  test('a spoofed X-Forwarded-For does not reset the registration limit', async ({ stack }) => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 12; attempt++) {
      const response = await fetch(`${stack.publicUrl}/oauth/register`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-forwarded-for': `203.0.113.${attempt}, 198.51.100.${attempt}`,
          forwarded: `for=203.0.113.${attempt}`,
          'x-real-ip': `203.0.113.${attempt}`,
        },
        body: JSON.stringify({
          client_name: 'spoofer',
          redirect_uris: ['https://client.example.com/callback'],
          token_endpoint_auth_method: 'none',
        }),
      });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 5)).toEqual(Array(5).fill(201));
    expect(statuses.slice(5)).toEqual(Array(7).fill(429));
  });
});

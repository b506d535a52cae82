import { describe, expect, test } from '@gatehouse/testing';
import { jwksOf, mintAccessToken, testSigningKey } from '../../test/mcp/tokens.ts';
import { Authenticator } from './authenticator.ts';
import { BearerError } from './errors.ts';
import { RefusedTokens } from './refused-tokens.ts';
import { RevokedGrants } from './revoked-grants.ts';
import { type SigningKeys, staticSigningKeys } from './signing-keys.ts';
import { VerifiedTokens } from './verified-tokens.ts';

const ISSUER = 'https://gateway.example';
const AUDIENCE = `${ISSUER}/mcp`;
const URL_PLAIN = new URL('https://gateway.example/mcp');
const key = await testSigningKey();

/** The refusal memory's clock, moved by the tests that need it to. */
const clock = { now: Date.now() };

async function setup() {
  clock.now = Date.now();
  const inner = await staticSigningKeys(jwksOf(key));
  let lookups = 0;
  const keys: SigningKeys = {
    key: (kid) => {
      lookups += 1;
      return inner.key(kid);
    },
  };
  const revoked = new RevokedGrants({ retentionMs: 3_600_000 });
  const verified = new VerifiedTokens();
  const refused = new RefusedTokens({ now: () => clock.now });
  const authenticator = new Authenticator({
    keys,
    revoked,
    verified,
    refused,
    issuer: ISSUER,
    audience: AUDIENCE,
    leewaySeconds: 5,
    maxLifetimeSeconds: 3600,
  });
  return { authenticator, revoked, verified, refused, lookups: () => lookups };
}

async function refusal(promise: Promise<unknown>): Promise<BearerError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BearerError) return error;
    throw error;
  }
  throw new Error('the request was accepted');
}

describe('Authenticator', () => {
  test('accepts a bearer token in the Authorization header, scheme in any case', async () => {
    const { authenticator } = await setup();
    const token = await mintAccessToken(key, { issuer: ISSUER, audience: AUDIENCE, grantId: 'g1' });
    await expect(authenticator.authenticate(`Bearer ${token}`, URL_PLAIN)).resolves.toMatchObject({
      grantId: 'g1',
    });
    await expect(authenticator.authenticate(`bearer ${token}`, URL_PLAIN)).resolves.toMatchObject({
      grantId: 'g1',
    });
  });

  test('a request without credentials, or with another scheme, is "no token" (no error code, RFC 6750 §3.1)', async () => {
    const { authenticator } = await setup();
    for (const header of [undefined, '', 'Basic dXNlcjpwYXNz', 'Token abc']) {
      const error = await refusal(authenticator.authenticate(header, URL_PLAIN));
      expect(error.kind).toBe('missing_token');
      expect(error.oauthCode).toBeUndefined();
    }
  });

  test('refuses a malformed Bearer header as invalid_request', async () => {
    const { authenticator } = await setup();
    for (const header of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer tok"en']) {
      const error = await refusal(authenticator.authenticate(header, URL_PLAIN));
      expect(error.reason).toBe('malformed_authorization');
      expect(error.oauthCode).toBe('invalid_request');
    }
  });

  test('refuses a token in the query string, even next to a valid header', async () => {
    const { authenticator } = await setup();
    const token = await mintAccessToken(key, { issuer: ISSUER, audience: AUDIENCE });
    const url = new URL(`https://gateway.example/mcp?access_token=${token}`);
    const error = await refusal(authenticator.authenticate(`Bearer ${token}`, url));
    expect(error.reason).toBe('token_in_query');
    expect(error.oauthCode).toBe('invalid_request');
  });

  test('refuses a token of a revoked grant, even one verified and cached before', async () => {
    const { authenticator, revoked } = await setup();
    const token = await mintAccessToken(key, { issuer: ISSUER, audience: AUDIENCE, grantId: 'g-revoked' });
    await authenticator.authenticate(`Bearer ${token}`, URL_PLAIN);
    revoked.add('g-revoked', Date.now());
    const error = await refusal(authenticator.authenticate(`Bearer ${token}`, URL_PLAIN));
    expect(error.reason).toBe('revoked');
    expect(error.token?.grantId).toBe('g-revoked');
  });

  test('verifies a token once and serves repeats from the cache, by hash, never keeping the token', async () => {
    const { authenticator, verified, lookups } = await setup();
    const token = await mintAccessToken(key, { issuer: ISSUER, audience: AUDIENCE });
    for (let i = 0; i < 5; i++) await authenticator.authenticate(`Bearer ${token}`, URL_PLAIN);
    expect(lookups()).toBe(1);
    expect(verified.get(VerifiedTokens.keyOf(token))).toBeDefined();
    expect(JSON.stringify(verified.get(VerifiedTokens.keyOf(token)))).not.toContain(token.split('.')[2]);
  });

  test('a token refused for a lasting reason is refused again without a second check, until the memory lapses', async () => {
    const { authenticator, refused, lookups } = await setup();
    const token = await mintAccessToken(key, { issuer: ISSUER, audience: AUDIENCE });
    const forged = `${token.slice(0, -8)}AAAAAAAA`;
    for (let i = 0; i < 3; i++) {
      expect((await refusal(authenticator.authenticate(`Bearer ${forged}`, URL_PLAIN))).reason).toBe(
        'signature',
      );
    }
    expect(lookups()).toBe(1);
    expect(refused.size).toBe(1);
    clock.now += 60_001;
    await refusal(authenticator.authenticate(`Bearer ${forged}`, URL_PLAIN));
    expect(lookups()).toBe(2);
    // The genuine token is not affected by its forged twin.
    await expect(authenticator.authenticate(`Bearer ${token}`, URL_PLAIN)).resolves.toBeDefined();
  });

  test('an unknown key or a token not valid yet is checked again on every request', async () => {
    const { authenticator, refused } = await setup();
    const unknownKey = await mintAccessToken(key, {
      issuer: ISSUER,
      audience: AUDIENCE,
      header: { kid: 'rotated-in-just-now' },
    });
    const early = await mintAccessToken(key, {
      issuer: ISSUER,
      audience: AUDIENCE,
      issuedAt: Math.floor(Date.now() / 1000) + 600,
    });
    expect((await refusal(authenticator.authenticate(`Bearer ${unknownKey}`, URL_PLAIN))).reason).toBe(
      'unknown_key',
    );
    expect((await refusal(authenticator.authenticate(`Bearer ${early}`, URL_PLAIN))).reason).toBe(
      'not_yet_valid',
    );
    expect(refused.size).toBe(0);
  });

  test('the refusal memory is bounded, oldest first', () => {
    const refused = new RefusedTokens({ maxEntries: 2 });
    refused.remember('a', 'signature');
    refused.remember('b', 'expired');
    refused.remember('c', 'audience');
    expect(refused.get('a')).toBeUndefined();
    expect(refused.get('b')).toBe('expired');
    expect(refused.get('c')).toBe('audience');
  });

  test('a cached token stops working at its expiry', async () => {
    let now = Date.now();
    const verified = new VerifiedTokens({ now: () => now });
    verified.set('k', {
      userId: 'u',
      clientId: 'c',
      grantId: 'g',
      scopes: [],
      tokenId: 'j',
      issuedAt: Math.floor(now / 1000),
      expiresAt: Math.floor(now / 1000) + 10,
      keyId: 'k1',
    });
    expect(verified.get('k')).toBeDefined();
    now += 11_000;
    expect(verified.get('k')).toBeUndefined();
  });

  test('forgets cached tokens signed by a key that was withdrawn', async () => {
    const verified = new VerifiedTokens();
    const entry = {
      userId: 'u',
      clientId: 'c',
      grantId: 'g',
      scopes: [],
      tokenId: 'j',
      issuedAt: 0,
      expiresAt: 4e9,
    };
    verified.set('a', { ...entry, keyId: 'old' });
    verified.set('b', { ...entry, keyId: 'new' });
    verified.dropKeys(['old']);
    expect(verified.get('a')).toBeUndefined();
    expect(verified.get('b')).toBeDefined();
  });
});

describe('RevokedGrants', () => {
  test('refuses a grant until every token it could have issued has expired', () => {
    let now = 1_000_000;
    const revoked = new RevokedGrants({ retentionMs: 60_000, now: () => now });
    revoked.add('g', now);
    expect(revoked.has('g')).toBe(true);
    now += 59_999;
    expect(revoked.has('g')).toBe(true);
    now += 2;
    expect(revoked.has('g')).toBe(false);
    expect(revoked.size).toBe(0);
  });

  test('ignores revocations too old to matter and keeps the latest horizon', () => {
    let now = 1_000_000;
    const revoked = new RevokedGrants({ retentionMs: 60_000, now: () => now });
    revoked.add('old', now - 61_000);
    expect(revoked.has('old')).toBe(false);
    revoked.add('g', now);
    revoked.add('g', now - 30_000);
    now += 50_000;
    revoked.sweep();
    expect(revoked.has('g')).toBe(true);
  });
});

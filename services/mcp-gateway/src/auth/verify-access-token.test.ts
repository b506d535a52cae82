import { createHmac } from 'node:crypto';
import { describe, expect, test } from '@gatehouse/testing';
import { base64url } from 'jose';
import {
  jwksOf,
  type MintOptions,
  mintAccessToken,
  type TestSigningKey,
  testSigningKey,
} from '../../test/mcp/tokens.ts';
import { BearerError } from './errors.ts';
import { type SigningKeys, staticSigningKeys } from './signing-keys.ts';
import { verifyAccessToken } from './verify-access-token.ts';

const ISSUER = 'https://gateway.example';
const AUDIENCE = 'https://gateway.example/mcp';
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const NOW_S = NOW / 1000;

const key = await testSigningKey('current');
const otherKey = await testSigningKey('current');
const keys = await staticSigningKeys(jwksOf(key));

function mint(options: Partial<MintOptions> = {}, signer: TestSigningKey = key): Promise<string> {
  return mintAccessToken(signer, { issuer: ISSUER, audience: AUDIENCE, issuedAt: NOW_S - 60, ...options });
}

function verify(token: string, overrides: { keys?: SigningKeys; now?: number } = {}) {
  return verifyAccessToken(token, {
    keys: overrides.keys ?? keys,
    issuer: ISSUER,
    audience: AUDIENCE,
    leewaySeconds: 5,
    maxLifetimeSeconds: 3600,
    now: overrides.now ?? NOW,
  });
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(BearerError);
    return (error as BearerError).reason;
  }
  throw new Error('the token was accepted');
}

/** A compact JWS with any header and payload, signed (or not) by hand. */
function handMade(header: object, payload: object, sign: (input: string) => string = () => ''): string {
  const input = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}`;
  return `${input}.${sign(input)}`;
}

const validClaims = {
  iss: ISSUER,
  aud: AUDIENCE,
  sub: 'user-1',
  client_id: 'client-1',
  scope: 'repos:read',
  jti: 'j1',
  gid: 'g1',
  iat: NOW_S - 60,
  exp: NOW_S + 600,
};

describe('verifyAccessToken', () => {
  test('accepts a token of the token service and returns who it acts for', async () => {
    const token = await mint({
      scopes: ['repos:read', 'issues:write'],
      userId: 'u-42',
      clientId: 'c-7',
      grantId: 'g-9',
    });
    await expect(verify(token)).resolves.toEqual({
      userId: 'u-42',
      clientId: 'c-7',
      grantId: 'g-9',
      scopes: ['repos:read', 'issues:write'],
      tokenId: expect.any(String),
      issuedAt: NOW_S - 60,
      expiresAt: NOW_S + 840,
      keyId: 'current',
    });
  });

  test('accepts the media-type spelling of the type, application/at+jwt (RFC 9068 §4)', async () => {
    const token = await mint({ header: { typ: 'application/at+jwt' } });
    await expect(verify(token)).resolves.toMatchObject({ userId: 'user-1' });
  });

  test('refuses a string that is not a JWT', async () => {
    expect(await reasonOf(verify('not-a-jwt'))).toBe('malformed');
    expect(await reasonOf(verify('e30.e30.e30'))).toBe('malformed');
  });

  test('refuses an unsigned token (alg none)', async () => {
    const token = handMade({ alg: 'none', typ: 'at+jwt', kid: 'current' }, validClaims);
    expect(await reasonOf(verify(token))).toBe('algorithm');
  });

  test('refuses HS256 signed with the public key as the HMAC secret (algorithm confusion)', async () => {
    for (const secret of [JSON.stringify(key.publicJwk), key.publicJwk.x!]) {
      const token = handMade({ alg: 'HS256', typ: 'at+jwt', kid: 'current' }, validClaims, (input) =>
        createHmac('sha256', secret).update(input).digest('base64url'),
      );
      expect(await reasonOf(verify(token))).toBe('algorithm');
    }
  });

  test('refuses a token whose typ is not at+jwt, or that has none', async () => {
    expect(await reasonOf(verify(await mint({ header: { typ: 'JWT' } })))).toBe('type');
    expect(await reasonOf(verify(await mint({ header: { typ: undefined } })))).toBe('type');
  });

  test('refuses a token from another issuer', async () => {
    expect(await reasonOf(verify(await mint({ issuer: 'https://evil.example' })))).toBe('issuer');
    expect(await reasonOf(verify(await mint({ issuer: `${ISSUER}/` })))).toBe('issuer');
  });

  test('refuses a token minted for another resource (RFC 8707 audience)', async () => {
    expect(await reasonOf(verify(await mint({ audience: 'https://other.example/mcp' })))).toBe('audience');
    expect(await reasonOf(verify(await mint({ audience: ISSUER })))).toBe('audience');
  });

  test('refuses an expired token, allowing five seconds of clock skew', async () => {
    const expired = await mint({ issuedAt: NOW_S - 900, lifetimeSeconds: 890 }); // exp = now - 10 s
    expect(await reasonOf(verify(expired))).toBe('expired');
    const justExpired = await mint({ issuedAt: NOW_S - 900, lifetimeSeconds: 897 }); // exp = now - 3 s
    await expect(verify(justExpired)).resolves.toMatchObject({ userId: 'user-1' });
  });

  test('refuses a token that is not valid yet (nbf, or iat in the future)', async () => {
    expect(await reasonOf(verify(await mint({ claims: { nbf: NOW_S + 60 } })))).toBe('not_yet_valid');
    expect(await reasonOf(verify(await mint({ issuedAt: NOW_S + 60 })))).toBe('not_yet_valid');
  });

  test('refuses a token signed with a key the token service does not publish', async () => {
    expect(await reasonOf(verify(await mint({ header: { kid: 'unknown' } })))).toBe('unknown_key');
    expect(await reasonOf(verify(await mint({ header: { kid: undefined } })))).toBe('unknown_key');
  });

  test('refuses a token whose payload was altered after signing', async () => {
    const [header, , signature] = (await mint({ scopes: ['repos:read'] })).split('.');
    const widened = base64url.encode(JSON.stringify({ ...validClaims, scope: 'repos:read pulls:write' }));
    expect(await reasonOf(verify(`${header}.${widened}.${signature}`))).toBe('signature');
  });

  test('refuses a token signed by another key under a published kid', async () => {
    expect(await reasonOf(verify(await mint({}, otherKey)))).toBe('signature');
  });

  test('refuses a token missing a claim the gateway relies on', async () => {
    for (const claim of ['gid', 'sub', 'client_id', 'jti', 'scope', 'exp', 'iat']) {
      expect(await reasonOf(verify(await mint({ omit: [claim] }))), claim).toBe('claims');
    }
    expect(await reasonOf(verify(await mint({ claims: { gid: 42 } })))).toBe('claims');
  });

  test('refuses a token living longer than the revocation set remembers', async () => {
    expect(await reasonOf(verify(await mint({ lifetimeSeconds: 3601 })))).toBe('lifetime');
  });

  test('checks claims only after the signature: a forged expired token is a bad signature', async () => {
    const [header, , signature] = (await mint()).split('.');
    const forged = base64url.encode(JSON.stringify({ ...validClaims, exp: NOW_S - 1000 }));
    expect(await reasonOf(verify(`${header}.${forged}.${signature}`))).toBe('signature');
  });
});

import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import type { JsonWebKeySet } from '../../src/auth/signing-keys.ts';

/** An ES256 key pair made in the test, standing in for one of the token service's signing keys. */
export interface TestSigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function testSigningKey(kid = `k-${randomUUID().slice(0, 8)}`): Promise<TestSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

export function jwksOf(...keys: TestSigningKey[]): JsonWebKeySet {
  return { keys: keys.map((key) => key.publicJwk) };
}

export interface MintOptions {
  issuer: string;
  audience: string;
  scopes?: string[];
  userId?: string;
  clientId?: string;
  grantId?: string;
  /** Epoch seconds. */
  issuedAt?: number;
  lifetimeSeconds?: number;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  omit?: string[];
}

/** An RFC 9068 access token as the token service mints it (claims per docs and the brief). */
export async function mintAccessToken(key: TestSigningKey, options: MintOptions): Promise<string> {
  const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: options.issuer,
    aud: options.audience,
    sub: options.userId ?? 'user-1',
    client_id: options.clientId ?? 'client-1',
    scope: (options.scopes ?? ['repos:read', 'issues:read']).join(' '),
    jti: randomUUID(),
    gid: options.grantId ?? `grant-${randomUUID()}`,
    iat,
    exp: iat + (options.lifetimeSeconds ?? 900),
    ...options.claims,
  };
  for (const name of options.omit ?? []) delete claims[name];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid, ...options.header } as never)
    .sign(key.privateKey);
}

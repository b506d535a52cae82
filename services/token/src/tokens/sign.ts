import { randomUUID, sign } from 'node:crypto';
import type { Settings } from '../settings.ts';
import type { KeyRing, SigningKey } from './keys.ts';

/** RFC 9068 §2.2 claims, plus `gid`: the grant, so a revoked grant's tokens can be refused at once. */
export interface AccessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  client_id: string;
  scope: string;
  jti: string;
  iat: number;
  exp: number;
  gid: string;
}

export interface AccessTokenSubject {
  userId: string;
  clientId: string;
  scopes: readonly string[];
  grantId: string;
}

export interface IssuedAccessToken {
  token: string;
  claims: AccessTokenClaims;
  expiresIn: number;
}

const headers = new WeakMap<SigningKey, string>();

/**
 * A compact JWS, ES256, `typ: at+jwt` (RFC 9068 §2.1). Signed with node:crypto directly: 37 µs per
 * token against 80–97 µs through jose's WebCrypto path (measured on the dev VM); the encoded header
 * is cached per key.
 */
export function signJwt(key: SigningKey, claims: AccessTokenClaims): string {
  let header = headers.get(key);
  if (!header) {
    header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: key.kid })).toString('base64url');
    headers.set(key, header);
  }
  const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  // JWS wants the raw r||s signature (RFC 7518 §3.4), not DER.
  const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/** An access token for a grant: `aud` is always the canonical resource, never the upstream token. */
export function issueAccessToken(
  keys: KeyRing,
  settings: Settings,
  subject: AccessTokenSubject,
  nowMs = Date.now(),
): IssuedAccessToken {
  const iat = Math.floor(nowMs / 1000);
  const expiresIn = Math.floor(settings.accessTokenTtlMs / 1000);
  const claims: AccessTokenClaims = {
    iss: settings.issuer,
    aud: settings.resource,
    sub: subject.userId,
    client_id: subject.clientId,
    scope: subject.scopes.join(' '),
    jti: randomUUID(),
    iat,
    exp: iat + expiresIn,
    gid: subject.grantId,
  };
  return { token: signJwt(keys.signingKey(), claims), claims, expiresIn };
}

import { jwtVerify } from 'jose';
import type { Settings } from '../settings.ts';
import type { KeyRing } from './keys.ts';
import type { AccessTokenClaims } from './sign.ts';

/** Whether a string has the shape of a compact JWS (three base64url segments). */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

/**
 * Verifies one of our own access tokens (for introspection and revocation): ES256 only, a published
 * key, `typ: at+jwt`, our issuer and resource, not expired. Returns undefined for anything else;
 * callers answer "inactive" (RFC 7662 §2.2) or "nothing to revoke" (RFC 7009 §2.2) alike.
 */
export async function verifyAccessToken(
  token: string,
  keys: KeyRing,
  settings: Settings,
): Promise<AccessTokenClaims | undefined> {
  if (token.length > 4_096 || !looksLikeJwt(token)) return undefined;
  try {
    const { payload } = await jwtVerify<AccessTokenClaims>(token, keys.verifier(), {
      algorithms: ['ES256'],
      typ: 'at+jwt',
      issuer: settings.issuer,
      audience: settings.resource,
      requiredClaims: ['exp', 'iat', 'sub', 'client_id', 'gid', 'jti'],
    });
    if (typeof payload.gid !== 'string' || typeof payload.client_id !== 'string') return undefined;
    return payload;
  } catch {
    return undefined;
  }
}

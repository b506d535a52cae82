import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random opaque credential: 256 bits by default, base64url (43 characters). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * SHA-256, base64url. Codes, refresh tokens, client secrets and registration access tokens are
 * 256-bit random values, so a plain hash is enough to store and look them up (no salt or stretching
 * buys anything against a search space of 2^256).
 */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Whether `presented` hashes to `storedHash`, compared in constant time on equal-length digests. */
export function matchesHash(presented: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'base64url');
  const actual = createHash('sha256').update(presented).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Constant-time equality of two strings (compared as SHA-256 digests, so lengths may differ). */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

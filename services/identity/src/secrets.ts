import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, base64url: session ids, pending-request ids, upstream states, CSRF tokens. */
export function newOpaqueId(): string {
  return randomBytes(32).toString('base64url');
}

/** What `newOpaqueId` produces; anything else is refused before it reaches Redis. */
export function isOpaqueId(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}

/**
 * SHA-256, base64url. Redis keys are digests of the ids the browser holds, so a dump of Redis
 * yields no usable session cookie or state.
 */
export function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Constant-time comparison of two secrets of any length (their SHA-256 digests are equal-length). */
export function secretsEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

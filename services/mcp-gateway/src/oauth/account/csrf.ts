import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a submitted CSRF token with the session's in constant time. Both sides are hashed
 * first so the comparison runs on equal-length digests whatever was submitted, and an empty
 * expected token never matches.
 */
export function csrfTokenMatches(submitted: string, expected: string): boolean {
  if (expected === '') return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(submitted), digest(expected));
}

import { createHash, timingSafeEqual } from 'node:crypto';

export type AdminCredentialCheck = 'valid' | 'invalid' | 'missing';

/** RFC 6750 §2.1: `Authorization: Bearer <b64token>`, the scheme case-insensitive. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The admin credential: a bearer token whose SHA-256 is configured. Only digests are configured,
 * so the configuration (an env file, a Kubernetes Secret) never holds the token itself. The
 * presented token is hashed and compared with every configured digest in constant time,
 * without stopping at the first match, so timing tells nothing about either.
 */
export function adminCredential(hexDigests: readonly string[]) {
  const digests = hexDigests.map((hex) => Buffer.from(hex, 'hex'));
  return {
    check(authorization: string | undefined): AdminCredentialCheck {
      if (!authorization || !/^bearer /i.test(authorization)) return 'missing';
      const token = BEARER.exec(authorization)?.[1];
      if (!token) return 'invalid';
      const presented = createHash('sha256').update(token).digest();
      let matched = false;
      for (const digest of digests) matched = timingSafeEqual(presented, digest) || matched;
      return matched ? 'valid' : 'invalid';
    },
  };
}

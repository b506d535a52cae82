/**
 * A verified access token (RFC 9068 §2.2 claims, plus the grant id `gid`): who the request acts
 * for, through which client and grant, with which scopes, until when.
 */
export interface AccessToken {
  /** `sub`: the Gatehouse user id. */
  userId: string;
  clientId: string;
  /** `gid`: the grant the token was issued under; revocation is per grant. */
  grantId: string;
  /** `scope`, split (RFC 6749 §3.3). */
  scopes: readonly string[];
  /** `jti` */
  tokenId: string;
  /** `iat`, epoch seconds. */
  issuedAt: number;
  /** `exp`, epoch seconds. */
  expiresAt: number;
  /** `kid` of the key that signed it: cached verifications are dropped when that key goes away. */
  keyId: string;
}

export function hasScope(token: AccessToken, scope: string): boolean {
  return token.scopes.includes(scope);
}

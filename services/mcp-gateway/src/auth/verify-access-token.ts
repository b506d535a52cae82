import { parseScope } from '@gatehouse/proto';
import { type JWTPayload, jwtVerify } from 'jose';
import type { AccessToken } from './access-token.ts';
import { BearerError, type RejectionReason } from './errors.ts';
import type { SigningKeys } from './signing-keys.ts';

export interface VerifyAccessTokenOptions {
  keys: SigningKeys;
  /** `iss` must equal it: the authorization server's issuer identifier (PUBLIC_URL). */
  issuer: string;
  /** `aud` must contain it: this resource's canonical URI (RFC 8707 §2), `${PUBLIC_URL}/mcp`. */
  audience: string;
  /** Clock skew tolerated on `exp`, `nbf` and `iat`. */
  leewaySeconds: number;
  /** Longest `exp - iat` accepted: the revocation set keeps entries only this long. */
  maxLifetimeSeconds: number;
  /** Epoch milliseconds; defaults to now (tests freeze time). */
  now?: number;
}

// RFC 9068 §2.2 claims, plus `gid` (the grant id) that revocation is keyed by.
const REQUIRED_CLAIMS = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti', 'scope', 'gid'];

const JOSE_REASONS: Record<string, RejectionReason> = {
  ERR_JOSE_ALG_NOT_ALLOWED: 'algorithm',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'signature',
  ERR_JWT_EXPIRED: 'expired',
  ERR_JWS_INVALID: 'malformed',
  ERR_JWT_INVALID: 'malformed',
  ERR_JOSE_NOT_SUPPORTED: 'malformed',
};

const CLAIM_REASONS: Record<string, RejectionReason> = {
  typ: 'type',
  iss: 'issuer',
  aud: 'audience',
  nbf: 'not_yet_valid',
  exp: 'expired',
};

function rejectionOf(error: unknown): BearerError {
  if (error instanceof BearerError) return error;
  const { code, claim, reason } = error as { code?: string; claim?: string; reason?: string };
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
    if (reason === 'missing') return BearerError.rejected('claims');
    return BearerError.rejected(CLAIM_REASONS[claim ?? ''] ?? 'claims');
  }
  return BearerError.rejected(JOSE_REASONS[code ?? ''] ?? 'malformed');
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/**
 * Verifies an RFC 9068 access token locally: ES256 only (the algorithm is fixed by us, never read
 * from the token: RFC 8725 §3.1), `typ` at+jwt (RFC 9068 §4), the signature against the token
 * service's published key named by `kid`, `iss`, `aud` (RFC 8707 §2), `exp`/`nbf` with a small
 * leeway, the claims the gateway relies on, and a bounded lifetime. Claims are read only after the
 * signature verified. Revocation is the caller's check (it needs the revoked-grant set). Throws a
 * BearerError naming the reason.
 */
export async function verifyAccessToken(
  token: string,
  options: VerifyAccessTokenOptions,
): Promise<AccessToken> {
  const now = options.now ?? Date.now();
  let payload: JWTPayload;
  let keyId = '';
  try {
    const result = await jwtVerify(
      token,
      async (header) => {
        if (!nonEmptyString(header.kid)) throw BearerError.rejected('unknown_key');
        const key = await options.keys.key(header.kid);
        if (!key) throw BearerError.rejected('unknown_key');
        keyId = header.kid;
        return key;
      },
      {
        algorithms: ['ES256'],
        typ: 'at+jwt',
        issuer: options.issuer,
        audience: options.audience,
        clockTolerance: options.leewaySeconds,
        currentDate: new Date(now),
        requiredClaims: REQUIRED_CLAIMS,
      },
    );
    payload = result.payload;
  } catch (error) {
    throw rejectionOf(error);
  }

  const {
    sub,
    client_id: clientId,
    gid,
    jti,
    scope,
    iat,
    exp,
  } = payload as JWTPayload & Record<string, unknown>;
  if (
    !nonEmptyString(sub) ||
    !nonEmptyString(clientId) ||
    !nonEmptyString(gid) ||
    !nonEmptyString(jti) ||
    typeof scope !== 'string' ||
    typeof iat !== 'number' ||
    typeof exp !== 'number'
  ) {
    throw BearerError.rejected('claims');
  }
  const nowSeconds = now / 1000;
  if (iat > nowSeconds + options.leewaySeconds) throw BearerError.rejected('not_yet_valid');
  if (exp - iat > options.maxLifetimeSeconds) throw BearerError.rejected('lifetime');

  return {
    userId: sub,
    clientId,
    grantId: gid,
    scopes: parseScope(scope),
    tokenId: jti,
    issuedAt: iat,
    expiresAt: exp,
    keyId,
  };
}

/**
 * The token service's one error type. Every code is an OAuth error code (RFC 6749 §5.2, RFC 7009,
 * RFC 7591 §3.2.2, RFC 7592, RFC 8707 §2) or a domain code from the bus's closed set, and every
 * `description` is written for the client that caused it: it is sent as `error_description`.
 * `reason` is server-side detail for the log and never leaves the process. Anything thrown that is
 * not a TokenError becomes a generic `internal` error at the bus (src/bus/handlers.ts).
 */
export type TokenErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'invalid_token'
  | 'not_found'
  | 'unavailable';

export class TokenError extends Error {
  readonly code: TokenErrorCode;
  readonly description: string;
  readonly reason: string | undefined;

  constructor(code: TokenErrorCode, description: string, reason?: string) {
    super(`${code}: ${description}`);
    this.name = 'TokenError';
    this.code = code;
    this.description = description;
    this.reason = reason;
  }
}

/** One-line factory: `throw tokenError('invalid_grant', 'The authorization code has expired.')`. */
export function tokenError(code: TokenErrorCode, description: string, reason?: string): TokenError {
  return new TokenError(code, description, reason);
}

/**
 * Why a request to the protected resource was refused. The machine reason goes to the audit
 * (`gateway.token.rejected`); the description goes to the client in `error_description`, so it
 * is written to be safe to show and never echoes the token.
 */
export const REJECTIONS = {
  // RFC 6750 §3.1 invalid_request: the request itself is malformed.
  malformed_authorization: { code: 'invalid_request', description: 'The Authorization header is malformed.' },
  token_in_query: {
    code: 'invalid_request',
    description: 'Access tokens are accepted only in the Authorization header, never in the URL.',
  },
  // RFC 6750 §3.1 invalid_token: expired, revoked, malformed, or otherwise invalid.
  malformed: { code: 'invalid_token', description: 'The access token is not a well-formed JWT.' },
  algorithm: { code: 'invalid_token', description: 'The access token must be signed with ES256.' },
  type: {
    code: 'invalid_token',
    description: 'The access token is not an RFC 9068 access token (typ at+jwt).',
  },
  unknown_key: { code: 'invalid_token', description: 'The access token was signed with an unknown key.' },
  signature: { code: 'invalid_token', description: 'The access token signature is invalid.' },
  issuer: {
    code: 'invalid_token',
    description: 'The access token was issued by another authorization server.',
  },
  audience: { code: 'invalid_token', description: 'The access token was not issued for this resource.' },
  expired: { code: 'invalid_token', description: 'The access token has expired.' },
  not_yet_valid: { code: 'invalid_token', description: 'The access token is not valid yet.' },
  claims: { code: 'invalid_token', description: 'The access token lacks a required claim.' },
  lifetime: {
    code: 'invalid_token',
    description: 'The access token lives longer than this resource accepts.',
  },
  revoked: { code: 'invalid_token', description: 'The access token has been revoked.' },
  // Not a fault of the token itself: the person's GitHub connection behind the grant is dead, and
  // only a new authorization (which signs in with GitHub again) repairs it.
  upstream_connection: {
    code: 'invalid_token',
    description: 'GitHub no longer accepts this connection; reconnect GitHub to continue.',
  },
} as const;

export type RejectionReason = keyof typeof REJECTIONS;

import type { AccessToken } from './access-token.ts';

/** A request refused by the bearer layer: no token, a bad one, a missing scope, or keys unavailable. */
export type BearerErrorKind = 'missing_token' | 'rejected' | 'insufficient_scope' | 'unavailable';

/**
 * The bearer layer's one error type. `toHttp` in bearer-challenge.ts maps it to the wire once:
 * status, `WWW-Authenticate` challenge and body.
 */
export class BearerError extends Error {
  readonly kind: BearerErrorKind;
  readonly reason: RejectionReason | 'missing_token' | 'insufficient_scope' | 'unavailable';
  readonly description: string;
  /** For insufficient_scope: every scope the request needs (granted ∪ required). */
  readonly scopes: readonly string[];
  /** The verified token, when the refusal came after verification (revoked, insufficient scope): for the audit. */
  readonly token: AccessToken | undefined;

  private constructor(
    kind: BearerErrorKind,
    reason: BearerError['reason'],
    description: string,
    options: { scopes?: readonly string[]; token?: AccessToken } = {},
  ) {
    super(`${reason}: ${description}`);
    this.name = 'BearerError';
    this.kind = kind;
    this.reason = reason;
    this.description = description;
    this.scopes = options.scopes ?? [];
    this.token = options.token;
  }

  /** RFC 6750 §3.1: a request with no credentials gets a challenge without an error code. */
  static missingToken(): BearerError {
    return BearerError.#shared(
      'missing_token',
      () => new BearerError('missing_token', 'missing_token', 'No access token was presented.'),
    );
  }

  static rejected(reason: RejectionReason, token?: AccessToken): BearerError {
    if (token) return new BearerError('rejected', reason, REJECTIONS[reason].description, { token });
    return BearerError.#shared(
      reason,
      () => new BearerError('rejected', reason, REJECTIONS[reason].description),
    );
  }

  /**
   * Refusals that carry nothing of the request are built once and shared (they are never
   * modified): under a flood of missing or bad tokens, building an Error and its stack trace per
   * request was a measurable part of each rejection's cost.
   */
  static readonly #instances = new Map<string, BearerError>();

  static #shared(key: string, build: () => BearerError): BearerError {
    let error = BearerError.#instances.get(key);
    if (!error) {
      error = Object.freeze(build());
      BearerError.#instances.set(key, error);
    }
    return error;
  }

  static insufficientScope(
    neededScopes: readonly string[],
    description: string,
    token?: AccessToken,
  ): BearerError {
    return new BearerError('insufficient_scope', 'insufficient_scope', description, {
      scopes: neededScopes,
      token,
    });
  }

  /** The signing keys could not be read: a transient server problem, not the client's token's fault. */
  static unavailable(): BearerError {
    return new BearerError(
      'unavailable',
      'unavailable',
      'The token signing keys cannot be read right now; retry shortly.',
    );
  }

  /** The OAuth error code on the wire (RFC 6750 §3.1), if any. */
  get oauthCode(): 'invalid_request' | 'invalid_token' | 'insufficient_scope' | undefined {
    if (this.kind === 'rejected') return REJECTIONS[this.reason as RejectionReason].code;
    if (this.kind === 'insufficient_scope') return 'insufficient_scope';
    return undefined;
  }
}

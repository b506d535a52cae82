import { type BusError, busError } from '@gatehouse/bus';

/**
 * The error codes an authorization request can end with: RFC 6749 §4.1.2.1, RFC 8707 §2
 * (`invalid_target`) and OpenID Connect Core §3.1.2.6 (`login_required`, `consent_required`).
 */
export type AuthorizationErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'unauthorized_client'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'login_required'
  | 'consent_required';

/** Where a refused authorization request is answered: the client's redirect URI and the state it sent. */
export interface ClientReturn {
  redirectUri: string;
  state: string | null;
}

/**
 * The one error type of the browser flow. Without `returnTo` it is shown on an error page and never
 * redirected (RFC 6749 §4.1.2.1: an unverified client or redirect URI must not receive it); with it,
 * it is sent to the client's redirect URI. `description` is client-safe; `reason` stays server-side.
 */
export class AuthorizationError extends Error {
  readonly error: AuthorizationErrorCode;
  readonly description: string;
  readonly returnTo: ClientReturn | undefined;
  readonly reason: string | undefined;

  constructor(
    error: AuthorizationErrorCode,
    description: string,
    options: { returnTo?: ClientReturn; reason?: string } = {},
  ) {
    super(`${error}: ${description}`);
    this.name = 'AuthorizationError';
    this.error = error;
    this.description = errorDescription(description);
    this.returnTo = options.returnTo;
    this.reason = options.reason;
  }
}

/** Refused on an error page: the client or its redirect URI cannot be trusted with the answer. */
export function refuseOnPage(error: AuthorizationErrorCode, description: string, reason?: string) {
  return new AuthorizationError(error, description, reason === undefined ? {} : { reason });
}

/** Refused back to the client, whose redirect URI has been verified. */
export function refuseToClient(
  returnTo: ClientReturn,
  error: AuthorizationErrorCode,
  description: string,
  reason?: string,
) {
  return new AuthorizationError(
    error,
    description,
    reason === undefined ? { returnTo } : { returnTo, reason },
  );
}

/**
 * RFC 6749 §4.1.2.1: `error_description` is limited to %x20-21 / %x23-5B / %x5D-7E. Descriptions
 * may quote request values (a scope name), so anything else is replaced.
 */
export function errorDescription(text: string): string {
  return text.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '?').slice(0, 300);
}

/** The wire error for a person whose GitHub connection is gone: the worker asks them to reconnect. */
export function reconnectGitHub(reason: string): BusError {
  return busError('invalid_grant', 'GitHub no longer accepts this connection; reconnect GitHub.', { reason });
}

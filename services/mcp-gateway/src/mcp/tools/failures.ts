import { BusError } from '@gatehouse/bus';

/** How a failed worker call is told to the model: a code for the audit and a clear message. */
export interface ToolFailure {
  code: string;
  message: string;
  /** The upstream connection is dead: the person must sign in with GitHub again. */
  reconnect: boolean;
}

/**
 * Maps the worker's errors (github.proto lists them) to what the model should read. The worker's
 * descriptions are client-safe by contract (GitHub's own messages, e.g. a 422's validation
 * detail), so they are passed on; anything unexpected becomes a generic message.
 */
export function failureOf(error: unknown): ToolFailure {
  if (!(error instanceof BusError)) {
    return { code: 'internal', message: 'The request failed unexpectedly.', reconnect: false };
  }
  switch (error.code) {
    // The worker's descriptions already say what GitHub answered ("GitHub refused the request: …").
    case 'not_found':
    case 'access_denied':
    case 'invalid_request':
      return { code: error.code, message: error.description, reconnect: false };
    case 'rate_limited':
      return {
        code: error.code,
        message:
          error.retryAfterSeconds > 0
            ? `GitHub's rate limit was reached; retry after ${error.retryAfterSeconds} s.`
            : "GitHub's rate limit was reached; retry later.",
        reconnect: false,
      };
    case 'unavailable':
      return {
        code: error.code,
        message: 'GitHub cannot be reached right now; retry shortly.',
        reconnect: false,
      };
    case 'invalid_grant':
      return {
        code: error.code,
        message: 'GitHub no longer accepts this connection; reconnect GitHub to continue.',
        reconnect: true,
      };
    default:
      return { code: error.code, message: 'The request failed unexpectedly.', reconnect: false };
  }
}

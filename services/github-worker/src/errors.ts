import type { ErrorCode } from '@gatehouse/bus';

/**
 * The codes the worker answers with: a subset of the bus's closed set, so the one mapping to the
 * wire (bus/handlers.ts) is a rename-free copy. The README's error table explains each.
 */
export type WorkerErrorCode = Extract<
  ErrorCode,
  | 'invalid_request'
  | 'not_found'
  | 'access_denied'
  | 'conflict'
  | 'rate_limited'
  | 'invalid_grant'
  | 'unavailable'
  | 'internal'
>;

/**
 * The worker's one error type. `description` is shown to the person (via the gateway) and so never
 * holds a token; `reason` is server-side detail for the log (GitHub status, request id).
 */
export class WorkerError extends Error {
  readonly code: WorkerErrorCode;
  readonly description: string;
  readonly retryAfterSeconds: number | undefined;
  readonly reason: string | undefined;

  constructor(
    code: WorkerErrorCode,
    description: string,
    options: { retryAfterSeconds?: number; reason?: string; cause?: unknown } = {},
  ) {
    super(`${code}: ${description}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WorkerError';
    this.code = code;
    this.description = description;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.reason = options.reason;
  }
}

export function invalidInput(description: string): WorkerError {
  return new WorkerError('invalid_request', description);
}

/**
 * GitHub refused the person's token even after a refresh, or there is none to refresh: only signing
 * in with GitHub again helps. The gateway turns this code into an `mcp/www_authenticate` challenge.
 */
export function reconnectGitHub(reason: string): WorkerError {
  return new WorkerError('invalid_grant', 'GitHub no longer accepts this connection; reconnect GitHub', {
    reason,
  });
}

export function rateLimited(retryAfterSeconds: number, reason: string): WorkerError {
  return new WorkerError('rate_limited', `GitHub rate limit reached; retry after ${retryAfterSeconds} s`, {
    retryAfterSeconds,
    reason,
  });
}

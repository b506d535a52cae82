/**
 * The closed set of error codes that may cross the bus, with the HTTP status the gateway answers
 * with. OAuth codes come from RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1, RFC 7009 §2.2.1,
 * RFC 7591 §3.2.2 and RFC 8707 §2; the rest are domain codes.
 */
export const ERROR_STATUS = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_response_type: 400,
  unsupported_token_type: 400,
  invalid_scope: 400,
  invalid_target: 400,
  invalid_redirect_uri: 400,
  invalid_client_metadata: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  access_denied: 403,
  server_error: 500,
  temporarily_unavailable: 503,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_STATUS, value);
}

const RETRYABLE: ReadonlySet<ErrorCode> = new Set(['unavailable', 'temporarily_unavailable', 'rate_limited']);

export interface BusErrorOptions {
  httpStatus?: number;
  retryable?: boolean;
  retryAfterSeconds?: number;
  /** Server-side detail for the log; never sent over the bus. */
  reason?: string;
  cause?: unknown;
}

/**
 * An error a handler means to send to its caller: `description` must be safe to show to the
 * client. Callers match on `code` (not `instanceof`: the error crossed a process boundary).
 */
export class BusError extends Error {
  readonly code: ErrorCode;
  readonly description: string;
  readonly httpStatus: number;
  readonly retryable: boolean;
  readonly retryAfterSeconds: number;
  readonly reason: string | undefined;

  constructor(code: ErrorCode, description: string, options: BusErrorOptions = {}) {
    super(`${code}: ${description}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BusError';
    this.code = code;
    this.description = description;
    this.httpStatus = options.httpStatus ?? ERROR_STATUS[code];
    this.retryable = options.retryable ?? RETRYABLE.has(code);
    this.retryAfterSeconds = options.retryAfterSeconds ?? 0;
    this.reason = options.reason;
  }
}

/** One-line factory: `busError('invalid_grant', 'The code has expired')`. */
export function busError(code: ErrorCode, description: string, options?: BusErrorOptions): BusError {
  return new BusError(code, description, options);
}

// Connection-level failures of Postgres (node-postgres; SQLSTATE class 08, admin shutdown 57P01,
// cannot connect now 57P03, statement timeout 57014) and Redis (ioredis): retryable, not our bug.
const OUTAGE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P03',
  '57014',
]);
const OUTAGE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Connection is closed|Reached the max retries per request|Can't reach database server/i;

/**
 * Whether an error (or any error in its `cause` chain: Prisma's driver adapter wraps the pg error)
 * means Postgres or Redis is unreachable or overloaded right now.
 */
export function isDependencyOutage(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    const { code, name, message, cause } = current as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && (OUTAGE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    if (name === 'MaxRetriesPerRequestError') return true;
    if (typeof message === 'string' && OUTAGE_MESSAGES.test(message)) return true;
    current = cause;
  }
  return false;
}

/**
 * Whatever a handler threw, as the error its caller may see: a dependency outage becomes a
 * retryable `unavailable` (the gateway answers 503 with Retry-After), anything else unexpected
 * becomes `internal` with a generic message. The detail stays in the server's log.
 */
export function toBusError(error: unknown): BusError {
  if (error instanceof BusError) return error;
  if (isDependencyOutage(error)) {
    return new BusError('unavailable', 'The service is temporarily unavailable; try again shortly.', {
      retryAfterSeconds: 1,
      reason: `dependency unavailable: ${(error as Error)?.message ?? String(error)}`,
      cause: error,
    });
  }
  return new BusError('internal', 'An internal error occurred.', { cause: error });
}

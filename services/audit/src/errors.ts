/**
 * The audit service's one error type. `code` says what went wrong; `description` is safe to send
 * to the operator who asked; `reason` stays server-side. bus/handlers.ts maps it to the wire once.
 */
export const AUDIT_ERROR_CODES = {
  /** A query the service cannot answer as asked: bad filter, limit or cursor. Shown to the caller. */
  invalid_request: { retryable: false },
  /** The database refused one row (a data or constraint error): retrying the same row cannot help. */
  row_refused: { retryable: false },
  /** Postgres did not answer, or refused for a reason that is not the row's fault: retry later. */
  unavailable: { retryable: true },
} as const;

export type AuditErrorCode = keyof typeof AUDIT_ERROR_CODES;

export class AuditError extends Error {
  readonly code: AuditErrorCode;
  readonly description: string;
  readonly reason: string | undefined;

  constructor(code: AuditErrorCode, description: string, options: { reason?: string; cause?: unknown } = {}) {
    super(`${code}: ${description}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuditError';
    this.code = code;
    this.description = description;
    this.reason = options.reason;
  }

  get retryable(): boolean {
    return AUDIT_ERROR_CODES[this.code].retryable;
  }
}

/** One-line factory: `auditError('invalid_request', 'limit must be between 1 and 1000')`. */
export function auditError(
  code: AuditErrorCode,
  description: string,
  options?: { reason?: string; cause?: unknown },
): AuditError {
  return new AuditError(code, description, options);
}

export function isAuditError(error: unknown, code?: AuditErrorCode): error is AuditError {
  return error instanceof AuditError && (code === undefined || error.code === code);
}

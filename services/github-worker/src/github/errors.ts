import { rateLimited, reconnectGitHub, WorkerError } from '../errors.ts';
import { DeadlineExceeded } from './client.ts';

/**
 * What Octokit throws for an HTTP failure (its RequestError, name `HttpError`), matched by shape
 * rather than class: a network failure has status 500 and no response.
 */
export interface HttpFailure {
  name: 'HttpError';
  status: number;
  message: string;
  request: { method: string; url: string };
  response?: { headers: Record<string, string | undefined>; data: unknown };
}

export function isHttpFailure(error: unknown): error is HttpFailure {
  return (
    error instanceof Error &&
    error.name === 'HttpError' &&
    typeof (error as Partial<HttpFailure>).status === 'number'
  );
}

/** GitHub answered 401: the token is expired or revoked. */
export function isUnauthorized(error: unknown): boolean {
  return isHttpFailure(error) && error.status === 401;
}

export interface ErrorContext {
  /** What the request was about, for the 404 message: "Repository octocat/hello". */
  subject: string;
  /** What a write was doing, for the "may or may not have happened" message: "creating the issue". */
  action: string;
  idempotent: boolean;
}

/** Any failure of a GitHub call as the WorkerError the caller sees, with GitHub's own words where useful. */
export function toWorkerError(error: unknown, context: ErrorContext, now = Date.now()): WorkerError {
  if (error instanceof WorkerError) return error;
  if (error instanceof DeadlineExceeded) {
    return new WorkerError('unavailable', unconfirmed('GitHub did not answer in time', context), {
      reason: 'deadline passed',
    });
  }
  if (!isHttpFailure(error)) {
    return new WorkerError('internal', 'An internal error occurred.', {
      reason: `${errorName(error)} during GitHub call`,
      cause: error,
    });
  }
  const { status, response } = error;
  const headers = response?.headers ?? {};
  const message = githubMessage(response?.data);
  const reason = `GitHub ${error.request.method} ${routeOf(error.request.url)} → ${status}${
    headers['x-github-request-id'] ? ` (request id ${headers['x-github-request-id']})` : ''
  }${message ? `: ${message}` : ''}`;
  if (!response) {
    return new WorkerError('unavailable', unconfirmed('GitHub could not be reached', context), { reason });
  }
  if (isRateLimit(status, headers, message)) return rateLimited(retryAfterSeconds(headers, now), reason);
  switch (status) {
    case 400:
      return new WorkerError('invalid_request', `GitHub refused the request: ${message || 'bad request'}`, {
        reason,
      });
    case 401:
      return reconnectGitHub(reason);
    case 403:
      return new WorkerError('access_denied', `GitHub refused access: ${message || 'forbidden'}`, { reason });
    case 404:
      return new WorkerError('not_found', `${context.subject} was not found, or you have no access to it`, {
        reason,
      });
    case 409:
      return new WorkerError('conflict', `GitHub refused the request: ${message || 'conflict'}`, { reason });
    case 410:
      return new WorkerError('not_found', message || `${context.subject} is gone`, { reason });
    case 422:
      return new WorkerError(
        'invalid_request',
        `GitHub refused the request: ${validationDetail(response.data)}`,
        {
          reason,
        },
      );
  }
  if (status >= 500) {
    return new WorkerError('unavailable', unconfirmed('GitHub is not available right now', context), {
      reason,
    });
  }
  return new WorkerError('invalid_request', `GitHub refused the request: ${message || `HTTP ${status}`}`, {
    reason,
  });
}

/**
 * A rate limit: always for 429; for 403 when GitHub says so (Retry-After, an exhausted
 * X-RateLimit-Remaining, or "rate limit" in the message).
 * https://docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api#rate-limit-errors
 */
function isRateLimit(status: number, headers: Record<string, string | undefined>, message: string): boolean {
  if (status === 429) return true;
  if (status !== 403) return false;
  return (
    headers['retry-after'] !== undefined ||
    headers['x-ratelimit-remaining'] === '0' ||
    /rate limit/i.test(message)
  );
}

/**
 * Seconds until GitHub takes requests again: Retry-After (seconds or an HTTP date, RFC 9110
 * §10.2.3), else the primary limit's reset time, else the minute GitHub's docs say to wait.
 */
export function retryAfterSeconds(headers: Record<string, string | undefined>, now = Date.now()): number {
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined) {
    const seconds = /^\d+$/.test(retryAfter.trim())
      ? Number(retryAfter)
      : (Date.parse(retryAfter) - now) / 1000;
    if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  }
  const reset = Number(headers['x-ratelimit-reset']);
  if (headers['x-ratelimit-remaining'] === '0' && Number.isFinite(reset) && reset > 0) {
    return Math.max(1, Math.ceil(reset - now / 1000));
  }
  return 60;
}

interface GitHubValidationError {
  resource?: unknown;
  field?: unknown;
  code?: unknown;
  message?: unknown;
}

/** A 422's `errors` array in words: "No commits between main and feature-x", "title is required". */
export function validationDetail(data: unknown): string {
  const errors = (data as { errors?: unknown } | null)?.errors;
  const parts = Array.isArray(errors)
    ? errors.map((entry) => describe(entry as GitHubValidationError)).filter((part) => part.length > 0)
    : [];
  const detail =
    parts.length > 0 ? [...new Set(parts)].join('; ') : githubMessage(data) || 'validation failed';
  return clean(detail, 1000);
}

function describe(error: GitHubValidationError): string {
  if (typeof error === 'string') return clean(error, 300);
  if (typeof error.message === 'string' && error.message !== '') return clean(error.message, 300);
  const field = typeof error.field === 'string' ? clean(error.field, 60) : 'a field';
  const resource = typeof error.resource === 'string' ? clean(error.resource, 60) : 'resource';
  switch (error.code) {
    case 'missing_field':
      return `${field} is required`;
    case 'invalid':
      return `${field} is invalid`;
    case 'already_exists':
      return `${resource} with this ${field} already exists`;
    case 'missing':
      return `${resource} does not exist`;
    case 'unprocessable':
      return `${field} could not be processed`;
    default:
      return typeof error.code === 'string' ? `${field}: ${clean(error.code, 60)}` : '';
  }
}

/** GitHub's `message`, on one line and short: it is shown to the person. */
function githubMessage(data: unknown): string {
  const message = (data as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? clean(message, 300) : '';
}

function clean(text: string, max: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** For a write whose outcome is unknown, say so: the person should look before trying again. */
function unconfirmed(what: string, context: ErrorContext): string {
  return context.idempotent
    ? `${what}; try again shortly`
    : `${what} while ${context.action}; it may or may not have happened, so check before trying again`;
}

/** The path of a request URL, without the query (it may carry search terms). */
function routeOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '(unparsable url)';
  }
}

/** An unexpected error's name and message for the log, with anything shaped like a GitHub token cut out. */
function errorName(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  return `${error.name}: ${clean(error.message, 200).replace(TOKEN_SHAPES, '[redacted]')}`;
}

/** GitHub's token formats (gho_, ghu_, ghp_, ghs_, ghr_, github_pat_) and classic 40-hex tokens. */
const TOKEN_SHAPES = /\b(?:gh[opusr]_[A-Za-z0-9_]{16,}|github_pat_[A-Za-z0-9_]{16,}|[0-9a-f]{40})\b/g;

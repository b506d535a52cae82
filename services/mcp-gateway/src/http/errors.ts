import { BusError, type ErrorCode, toBusError } from '@gatehouse/bus';
import type { Logger } from '@gatehouse/logging';
import type { ErrorRequestHandler, Request, Response } from 'express';

/** How a failed request is answered: OAuth-shaped JSON (the default) or an HTML page (browser routes). */
export type ErrorFormat = 'oauth' | 'page';

/** Marks the routes after it as browser pages: their errors render the error page. */
export function answerErrorsAsPages(_req: Request, res: Response, next: () => void): void {
  res.locals.errorFormat = 'page' satisfies ErrorFormat;
  next();
}

/**
 * Codes of the bus's closed set that are not OAuth error codes, as the OAuth code a client
 * understands. `temporarily_unavailable` (RFC 6749 §4.1.2.1) is the registered "try again later":
 * clients such as the MCP SDK surface it instead of discarding credentials or restarting the
 * authorization, which `invalid_request` or an unregistered `rate_limited` could trigger.
 */
const OAUTH_CODE: Partial<Record<ErrorCode, string>> = {
  unavailable: 'temporarily_unavailable',
  rate_limited: 'temporarily_unavailable',
  internal: 'server_error',
  not_found: 'invalid_request',
  conflict: 'invalid_request',
};

/** Seconds a client should wait when a service is down and no better estimate is known. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** The RFC 6749 §5.2 error body: exactly `error` and `error_description`. */
export function oauthErrorBody(error: BusError): { error: string; error_description: string } {
  return { error: OAUTH_CODE[error.code] ?? error.code, error_description: error.description };
}

/** Body-parser failures (oversized, bad charset, aborted) as the invalid_request they are. */
function fromTransport(thrown: unknown): BusError | undefined {
  const type = (thrown as { type?: unknown })?.type;
  if (typeof type !== 'string') return undefined;
  if (type === 'entity.too.large') {
    return new BusError('invalid_request', 'The request body is too large.', { httpStatus: 413 });
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new BusError('invalid_request', 'The request body encoding is not supported.', {
      httpStatus: 415,
    });
  }
  if (type.startsWith('request.'))
    return new BusError('invalid_request', 'The request body could not be read.');
  return undefined;
}

export interface ErrorHandlerOptions {
  logger: Logger;
  renderErrorPage(res: Response, status: number, error: BusError): void;
}

/**
 * The one place an error becomes a response. Route code throws (or receives from the bus) a
 * BusError whose description is client-safe; anything else is an internal error whose detail
 * stays in the log.
 */
export function errorHandler({ logger, renderErrorPage }: ErrorHandlerOptions): ErrorRequestHandler {
  return (thrown, req, res, next) => {
    if (res.headersSent) {
      next(thrown);
      return;
    }
    const error = thrown instanceof BusError ? thrown : (fromTransport(thrown) ?? toBusError(thrown));
    const logged = { path: req.path, method: req.method, code: error.code, reason: error.reason };
    if (error.code === 'internal') logger.error({ ...logged, err: thrown }, 'request failed');
    else if (error.code === 'unavailable') logger.warn(logged, 'dependency unavailable');
    else logger.debug(logged, 'request refused');

    const status = error.httpStatus;
    const retryAfter =
      error.retryAfterSeconds > 0
        ? error.retryAfterSeconds
        : status === 503 || status === 429
          ? UNAVAILABLE_RETRY_AFTER_SECONDS
          : 0;
    if (retryAfter > 0) res.set('Retry-After', String(retryAfter));

    if (res.locals.errorFormat === 'page') {
      renderErrorPage(res, status, error);
      return;
    }
    const challenge = authenticateChallenge(req, error);
    if (challenge) res.set('WWW-Authenticate', challenge);
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    res.status(status).json(oauthErrorBody(error));
  };
}

/**
 * RFC 6749 §5.2: after a failed Basic authentication the 401 MUST carry a Basic challenge.
 * RFC 6750 §3: a refused bearer token (RFC 7592 registration access token) gets a Bearer one.
 */
function authenticateChallenge(req: Request, error: BusError): string | undefined {
  const scheme = (req.get('authorization') ?? '').split(' ')[0]?.toLowerCase();
  if (error.code === 'invalid_client' && scheme === 'basic') return 'Basic realm="gatehouse"';
  if (error.code === 'invalid_token') return 'Bearer realm="gatehouse", error="invalid_token"';
  return undefined;
}

import type { ErrorRequestHandler, RequestHandler, Response } from 'express';

export const REST_DOCS = 'https://docs.github.com/rest';

/** One entry of a 422's `errors` array, as GitHub writes them. */
export interface ValidationError {
  resource: string;
  code: 'missing' | 'missing_field' | 'invalid' | 'already_exists' | 'unprocessable' | 'custom';
  field?: string;
  value?: unknown;
  message?: string;
}

/** A REST failure with GitHub's error body: `{message, documentation_url, status}` and maybe `errors`. */
export class ApiError extends Error {
  readonly status: number;
  readonly documentationUrl: string;
  readonly errors: ValidationError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    options: { documentationUrl?: string; errors?: ValidationError[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.documentationUrl = options.documentationUrl ?? REST_DOCS;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

/** GitHub answers 404, not 403, for what the caller may not see, so private repositories stay secret. */
export function notFound(documentationUrl?: string): ApiError {
  return new ApiError(404, 'Not Found', { documentationUrl });
}

export function validationFailed(errors: ValidationError[], documentationUrl?: string): ApiError {
  return new ApiError(422, 'Validation Failed', { errors, documentationUrl });
}

export function sendError(res: Response, error: ApiError): void {
  res.set(error.headers);
  res.status(error.status).json({
    message: error.message,
    ...(error.errors ? { errors: error.errors } : {}),
    documentation_url: error.documentationUrl,
    status: String(error.status),
  });
}

/** Unknown routes answer like api.github.com does. */
export const unknownRoute: RequestHandler = (_req, res) => sendError(res, notFound());

export const restErrorHandler: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) return next(error);
  if (error instanceof ApiError) return sendError(res, error);
  // body-parser flags unparsable JSON with `type`; GitHub answers it with a 400.
  if (isBodyParserError(error)) return sendError(res, new ApiError(400, 'Problems parsing JSON'));
  // A bug in the emulator, not an emulated failure: say so in the body, where a failing test shows it.
  res.status(500).json({ message: 'Server Error', emulator_error: String(error), status: '500' });
};

function isBodyParserError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'type' in error && 'status' in error;
}

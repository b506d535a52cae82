import { busError } from '@gatehouse/bus';
import express, { type Request, type RequestHandler } from 'express';

/** Parameter name → value, with no prototype: a parameter named `__proto__` is just a name. */
export type Parameters = Record<string, string>;

/** Form bodies carry a few short parameters; a private_key_jwt assertion is the largest (~2 KB). */
export const MAX_FORM_BYTES = 16 * 1024;
const MAX_PARAMETERS = 64;
const FORM_TYPE = 'application/x-www-form-urlencoded';

/**
 * Parameters of a query string or form body as a map. RFC 6749 §3.1 and §3.2: "Parameters sent
 * without a value MUST be treated as if they were omitted" and "Request and response parameters
 * MUST NOT be included more than once", so empty values are dropped and a repeated one is an
 * `invalid_request` (a repeated `redirect_uri` or `scope` would otherwise be a guess).
 */
export function parseParameters(search: URLSearchParams): Parameters {
  const parameters: Parameters = Object.create(null);
  let count = 0;
  for (const [name, value] of search) {
    if (value === '') continue;
    if (Object.hasOwn(parameters, name)) {
      throw busError('invalid_request', `The "${printable(name)}" parameter is repeated.`);
    }
    if (++count > MAX_PARAMETERS) throw busError('invalid_request', 'The request has too many parameters.');
    if (CONTROL_CHARACTER.test(name) || CONTROL_CHARACTER.test(value)) {
      throw busError('invalid_request', `The "${printable(name)}" parameter contains a control character.`);
    }
    parameters[name] = value;
  }
  return parameters;
}

/**
 * RFC 6749 Appendix A: every OAuth parameter's syntax is printable (VSCHAR, NQCHAR, URI-reference),
 * so a control character (NUL above all, which Postgres cannot store) is malformed input.
 */
const CONTROL_CHARACTER = /\p{Cc}/u;

/** A parameter name quoted back in an error description: printable ASCII, bounded. */
function printable(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, '?').slice(0, 40);
}

/** The query string's parameters, read from the raw URL (Express's parser would merge repeats). */
export function queryParameters(req: Request): Parameters {
  const question = req.originalUrl.indexOf('?');
  return parseParameters(new URLSearchParams(question < 0 ? '' : req.originalUrl.slice(question + 1)));
}

/** The parsed body of a request that passed through `readForm`. */
export function formParameters(req: Request): Parameters {
  return parseParameters(new URLSearchParams(typeof req.body === 'string' ? req.body : ''));
}

/**
 * Accepts `application/x-www-form-urlencoded` bodies only (RFC 6749 §3.2, RFC 7009 §2.1,
 * RFC 7662 §2.1) and reads at most MAX_FORM_BYTES of it; anything else is an `invalid_request`.
 */
export function readForm(): RequestHandler[] {
  return [requireContentType(FORM_TYPE), express.text({ type: FORM_TYPE, limit: MAX_FORM_BYTES })];
}

/** JSON bodies (RFC 7591 §3.1 registration), read as text so parse errors get our own description. */
export const MAX_JSON_BYTES = 32 * 1024;
export function readJson(): RequestHandler[] {
  return [
    requireContentType('application/json'),
    express.text({ type: 'application/json', limit: MAX_JSON_BYTES }),
  ];
}

function requireContentType(type: string): RequestHandler {
  return (req, _res, next) => {
    const mediaType = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (mediaType !== type) {
      next(busError('invalid_request', `The request body must be ${type}.`));
      return;
    }
    next();
  };
}

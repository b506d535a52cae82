import { BearerError } from './errors.ts';

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; b64token = 1*( ALPHA / DIGIT / "-" / "." /
// "_" / "~" / "+" / "/" ) *"=". The scheme is case-insensitive (RFC 9110 §11.1).
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const SCHEME = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)(?: |$)/;

/**
 * The bearer token of a request. No Authorization header, or another scheme, means no
 * credentials (RFC 6750 §3.1: answered without an error code); a Bearer header that does not
 * parse is an invalid_request. A token in the query string is refused outright (RFC 6750 §2.3 is
 * not supported: URLs end up in logs and Referer headers; OAuth 2.1 §5.2.2 drops it).
 */
export function bearerTokenOf(authorization: string | undefined, url: URL): string {
  if (url.searchParams.has('access_token')) throw BearerError.rejected('token_in_query');
  if (authorization === undefined || authorization.trim() === '') throw BearerError.missingToken();
  const scheme = SCHEME.exec(authorization.trim())?.[1];
  if (scheme?.toLowerCase() !== 'bearer') throw BearerError.missingToken();
  const token = BEARER.exec(authorization.trim())?.[1];
  if (!token) throw BearerError.rejected('malformed_authorization');
  return token;
}

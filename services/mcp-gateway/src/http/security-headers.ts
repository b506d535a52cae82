import type { RequestHandler, Response } from 'express';

/**
 * Headers for the client endpoints' JSON. Responses carrying tokens, credentials or client
 * secrets must not be cached (RFC 6749 §5.1, RFC 7591 §3.2.1; `Pragma` for HTTP/1.0 caches), and
 * a JSON answer has no business loading anything or being framed.
 */
export const clientEndpointHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    'X-Frame-Options': 'DENY',
  });
  next();
};

/**
 * Headers for an HTML page, on top of the helmet defaults the app sets on every response. The
 * page loads only our stylesheet and, when given, images from the avatar host; it posts forms
 * only to us (the consent POST answers with a redirect, it never posts elsewhere); nobody may
 * frame it (clickjacking a consent button is the classic attack on this page).
 */
export function setPageHeaders(res: Response, options: { imageOrigins?: readonly string[] } = {}): void {
  const images = ["'self'", ...(options.imageOrigins ?? [])].join(' ');
  res.set({
    'Content-Security-Policy': [
      "default-src 'none'",
      "style-src 'self'",
      `img-src ${images}`,
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    'Referrer-Policy': 'no-referrer',
  });
}

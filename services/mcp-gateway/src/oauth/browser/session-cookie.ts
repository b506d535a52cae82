import type { CookieOptions, Request, Response } from 'express';
import type { OauthSettings } from '../settings.ts';

/** Session ids are opaque identity-service tokens; anything else in the cookie is ignored, not forwarded. */
const SESSION_ID = /^[A-Za-z0-9_-]{16,128}$/;

/** The browser's login-session id, or '' when it has none (or a malformed one). */
export function readSessionId(req: Request, settings: OauthSettings): string {
  for (const pair of (req.get('cookie') ?? '').split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0 || pair.slice(0, separator).trim() !== settings.sessionCookieName) continue;
    const value = pair.slice(separator + 1).trim();
    return SESSION_ID.test(value) ? value : '';
  }
  return '';
}

/**
 * `HttpOnly` (no script reads it), `SameSite=Lax` (sent on the top-level GET navigations of the
 * authorization flow, not on cross-site POSTs), `Path=/`, and `Secure` on https, which with the
 * default `__Host-` name also pins it to this exact host.
 */
function cookieOptions(settings: OauthSettings): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure: settings.secureCookies };
}

export function setSessionCookie(
  res: Response,
  settings: OauthSettings,
  id: string,
  maxAgeSeconds: number,
): void {
  res.cookie(settings.sessionCookieName, id, { ...cookieOptions(settings), maxAge: maxAgeSeconds * 1000 });
}

export function clearSessionCookie(res: Response, settings: OauthSettings): void {
  res.clearCookie(settings.sessionCookieName, cookieOptions(settings));
}

import { busError } from '@gatehouse/bus';
import type { RequestHandler } from 'express';

/**
 * Defence in depth for the browser forms, on top of their CSRF tokens and the SameSite=Lax
 * cookie: refuse a POST the browser says came from another site (Fetch Metadata,
 * `Sec-Fetch-Site`), or whose `Origin` is another origin. `Origin: null` is allowed: browsers
 * send it for forms on pages with `Referrer-Policy: no-referrer`, which ours are.
 */
export function sameOriginForm(publicOrigin: string): RequestHandler {
  return (req, _res, next) => {
    const site = req.get('sec-fetch-site');
    const origin = req.get('origin');
    const crossSite = site !== undefined && site !== 'same-origin' && site !== 'none';
    const foreignOrigin = origin !== undefined && origin !== 'null' && origin !== publicOrigin;
    if (crossSite || foreignOrigin) {
      next(busError('invalid_request', 'This form was sent from another site.', { httpStatus: 403 }));
      return;
    }
    next();
  };
}

import { busError } from '@gatehouse/bus';
import type { RequestHandler } from 'express';

/** A known path called with the wrong method: 405 with `Allow` (RFC 9110 §15.5.6), not a 404. */
export function methodNotAllowed(allow: string): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'OPTIONS') {
      next();
      return;
    }
    res.set('Allow', allow);
    next(busError('invalid_request', `Use ${allow} on this endpoint.`, { httpStatus: 405 }));
  };
}

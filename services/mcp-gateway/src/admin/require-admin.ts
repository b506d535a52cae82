import type { EventPublisher } from '@gatehouse/bus';
import type { NextFunction, Request, Response } from 'express';
import type { adminCredential } from './credential.ts';
import { RefusalReports } from './refusal-reports.ts';

/** RFC 6750 §3: the realm of the admin API, apart from the OAuth endpoints' realm. */
const CHALLENGE = 'Bearer realm="gatehouse-admin"';

export interface RequireAdminDeps {
  credential: ReturnType<typeof adminCredential>;
  events: Pick<EventPublisher, 'emit'>;
  origin(req: Request): { ip: string; userAgent: string };
}

/**
 * Lets a request through only with the admin bearer token. A refusal is a 401 with the admin
 * realm's challenge (with `error="invalid_token"` when a token was presented, RFC 6750 §3.1) and
 * a `gateway.audit.queried` denial, at most once a minute per address.
 */
export function requireAdmin(deps: RequireAdminDeps) {
  const refusals = new RefusalReports();
  return (req: Request, res: Response, next: NextFunction): void => {
    const check = deps.credential.check(req.get('authorization'));
    if (check === 'valid') {
      next();
      return;
    }
    const { ip, userAgent } = deps.origin(req);
    const suppressed = refusals.admit(ip);
    if (suppressed !== undefined) {
      deps.events.emit({
        type: 'gateway.audit.queried',
        outcome: 'denied',
        reason: check === 'missing' ? 'missing_credential' : 'invalid_token',
        ip,
        userAgent,
        details: { path: req.path, suppressed_since_last: suppressed },
      });
    }
    res
      .status(401)
      .set({
        'WWW-Authenticate': check === 'missing' ? CHALLENGE : `${CHALLENGE}, error="invalid_token"`,
        'Cache-Control': 'no-store',
      })
      .json({
        error: 'invalid_token',
        error_description:
          check === 'missing'
            ? 'This endpoint needs the admin bearer token.'
            : 'The admin bearer token is not valid.',
      });
  };
}

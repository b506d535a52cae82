import { BusError, toBusError } from '@gatehouse/bus';
import { type ErrorRequestHandler, type Request, type Response, Router } from 'express';
import { clientIp } from '../http/client-ip.ts';
import type { GatewayDeps, GatewayModule } from '../module.ts';
import { auditEventsHandler } from './audit-events.ts';
import { adminCredential } from './credential.ts';
import { describeFilters } from './query-parameters.ts';
import { requireAdmin } from './require-admin.ts';

/**
 * `/admin`: operators' read access to the audit log, behind a bearer token whose SHA-256 is
 * configured (ADMIN_TOKEN_SHA256). Without that setting the routes do not exist (404): an
 * admin API nobody configured is not an attack surface. Every answer, and every refusal, is
 * itself an audit event (`gateway.audit.queried`).
 */
export function createAdminModule(deps: GatewayDeps): GatewayModule {
  const router = Router();
  if (deps.config.ADMIN_TOKEN_SHA256.length === 0) {
    deps.logger.info('admin API disabled: ADMIN_TOKEN_SHA256 is not set');
    return { name: 'admin', router };
  }
  const credential = adminCredential(deps.config.ADMIN_TOKEN_SHA256);
  const exports = new Set<Response>();
  const origin = (req: Request) => ({ ip: clientIp(req), userAgent: req.get('user-agent') ?? '' });

  const admin = requireAdmin({ credential, events: deps.bus.events, origin });

  router.get(
    '/admin/audit/events',
    admin,
    auditEventsHandler({
      bus: deps.bus,
      logger: deps.logger,
      exports,
      onAnswered: (req, query, events) => {
        deps.bus.events.emit({
          type: 'gateway.audit.queried',
          outcome: 'success',
          ...origin(req),
          details: {
            filters: describeFilters(req.query as Record<string, unknown>),
            format: query.format,
            events,
          },
        });
      },
    }),
  );
  router.all('/admin/audit/events', admin, (_req, res) => {
    res
      .status(405)
      .set('Allow', 'GET, HEAD')
      .json({ error: 'invalid_request', error_description: 'Use GET.' });
  });
  router.use('/admin', adminErrors(deps));
  return {
    name: 'admin',
    router,
    // An export can run for minutes; on shutdown it is cut (visibly: an unterminated body) so the
    // listener can close.
    async drain() {
      for (const res of exports) res.destroy();
    },
  };
}

/** The admin API's errors, mapped once: the bus's typed errors keep their status and client-safe text. */
function adminErrors(deps: GatewayDeps): ErrorRequestHandler {
  return (thrown, req, res, next) => {
    if (res.headersSent) {
      next(thrown);
      return;
    }
    const error = thrown instanceof BusError ? thrown : toBusError(thrown);
    if (error.code === 'internal') deps.logger.error({ err: thrown, path: req.path }, 'admin request failed');
    else
      deps.logger.info({ code: error.code, reason: error.reason, path: req.path }, 'admin request refused');
    if (error.httpStatus === 503) res.set('Retry-After', String(error.retryAfterSeconds || 5));
    res.status(error.httpStatus).set('Cache-Control', 'no-store').json({
      error: error.code,
      error_description: error.description,
    });
  };
}

import { once } from 'node:events';
import type { Bus } from '@gatehouse/bus';
import type { Logger } from '@gatehouse/logging';
import { AuditService, type QueryEventsRequest, type QueryEventsResponse } from '@gatehouse/proto';
import type { Request, Response } from 'express';
import { eventJson } from './event-json.ts';
import { type AuditEventsQuery, parseAuditEventsQuery } from './query-parameters.ts';

/** A page is one indexed range scan; an export's pages each get this long too. */
const PAGE_TIMEOUT_MS = 15_000;

export interface AuditEventsDeps {
  bus: Bus;
  logger: Logger;
  /** Called once the answer is known, for the gateway.audit.queried event. */
  onAnswered(req: Request, query: AuditEventsQuery, events: number): void;
  /** Exports in progress, so shutdown can abort them instead of waiting for millions of rows. */
  exports: Set<Response>;
}

/**
 * `GET /admin/audit/events`: one page as JSON (`next_cursor` to continue), or every matching event
 * as NDJSON (`Accept: application/x-ndjson` or `?format=ndjson`), streamed page by page with
 * backpressure. The first page is fetched before the status line is sent, so a bad filter or
 * an unavailable audit service still gets a proper error status.
 */
export function auditEventsHandler(deps: AuditEventsDeps) {
  const page = (request: QueryEventsRequest) =>
    deps.bus.request(AuditService.method.queryEvents, request, { timeoutMs: PAGE_TIMEOUT_MS });

  return async (req: Request, res: Response): Promise<void> => {
    const query = parseAuditEventsQuery(req.query as Record<string, unknown>, req.get('accept'), new Date());
    const first = await page(query.request);
    res.set('Cache-Control', 'no-store');
    if (query.format === 'json') {
      deps.onAnswered(req, query, first.events.length);
      res.json({ events: first.events.map(eventJson), next_cursor: first.nextCursor || null });
      return;
    }
    deps.exports.add(res);
    try {
      deps.onAnswered(req, query, await streamNdjson(req, res, query, first, page, deps.logger));
    } finally {
      deps.exports.delete(res);
    }
  };
}

async function streamNdjson(
  req: Request,
  res: Response,
  query: AuditEventsQuery,
  first: QueryEventsResponse,
  page: (request: QueryEventsRequest) => Promise<QueryEventsResponse>,
  logger: Logger,
): Promise<number> {
  res.status(200).type('application/x-ndjson; charset=utf-8');
  const max = query.maxEvents ?? Number.POSITIVE_INFINITY;
  let written = 0;
  let current = first;
  try {
    for (;;) {
      const events = current.events.slice(0, max - written);
      if (
        events.length > 0 &&
        !res.write(`${events.map((e) => JSON.stringify(eventJson(e))).join('\n')}\n`)
      ) {
        await drained(res);
      }
      written += events.length;
      if (!current.nextCursor || written >= max || res.destroyed) break;
      current = await page({ ...query.request, cursor: current.nextCursor });
    }
    res.end();
  } catch (error) {
    // The status line is gone: ending normally would pass a truncated export off as complete.
    // Destroying the socket leaves the chunked body unterminated, which every client reports.
    logger.warn({ err: error, written, path: req.path }, 'audit export interrupted');
    res.destroy();
  }
  return written;
}

/** Resolves when the client has read what was written; rejects if it went away meanwhile. */
async function drained(res: Response): Promise<void> {
  const closed = once(res, 'close').then(() => {
    throw new Error('client closed the export');
  });
  await Promise.race([once(res, 'drain'), closed]);
}

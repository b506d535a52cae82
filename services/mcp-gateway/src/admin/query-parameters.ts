import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { busError } from '@gatehouse/bus';
import {
  Order,
  Outcome,
  parseTimeExpression,
  type QueryEventsRequest,
  QueryEventsRequestSchema,
} from '@gatehouse/proto';

export type ExportFormat = 'json' | 'ndjson';

/** `GET /admin/audit/events`, read: the first page's request, the format, and for NDJSON a total cap. */
export interface AuditEventsQuery {
  request: QueryEventsRequest;
  format: ExportFormat;
  /** NDJSON only: stop after this many events (all matching ones when absent). */
  maxEvents: number | undefined;
}

const FILTERS = [
  'user',
  'user_id',
  'github_login',
  'client_id',
  'grant_id',
  'type',
  'outcome',
  'since',
  'until',
];
const PARAMETERS = new Set([...FILTERS, 'limit', 'cursor', 'order', 'format']);
const OUTCOMES: Record<string, Outcome> = {
  success: Outcome.SUCCESS,
  failure: Outcome.FAILURE,
  denied: Outcome.DENIED,
};
const ORDERS: Record<string, Order> = { newest_first: Order.NEWEST_FIRST, oldest_first: Order.OLDEST_FIRST };
const NDJSON_PAGE = 1_000;
const MAX_VALUE_LENGTH = 2_048;

const invalid = (description: string) => busError('invalid_request', description);

/**
 * Reads the query string strictly: an unknown or repeated parameter is refused rather than
 * ignored, since a misspelled filter would otherwise widen the answer silently. The audit
 * service validates the filters' values (type taxonomy, cursor, limit) and refuses precisely.
 */
export function parseAuditEventsQuery(
  query: Record<string, unknown>,
  accept: string | undefined,
  now: Date,
): AuditEventsQuery {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!PARAMETERS.has(name)) throw invalid(`unknown query parameter ${JSON.stringify(name.slice(0, 64))}`);
    if (typeof value !== 'string') throw invalid(`${name} must be given once`);
    if (value.length > MAX_VALUE_LENGTH) throw invalid(`${name} is too long`);
    values[name] = value;
  }

  const format = formatOf(values.format, accept);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!/^\d{1,9}$/.test(values.limit ?? '') || limit < 1)) {
    throw invalid('limit must be a positive whole number');
  }
  if (values.outcome !== undefined && !Object.hasOwn(OUTCOMES, values.outcome)) {
    throw invalid('outcome must be success, failure or denied');
  }
  if (values.order !== undefined && !Object.hasOwn(ORDERS, values.order)) {
    throw invalid('order must be newest_first or oldest_first');
  }
  const time = (name: 'since' | 'until') => {
    const value = values[name];
    if (value === undefined) return undefined;
    const date = parseTimeExpression(value, now);
    if (!date) throw invalid(`${name} must be a time ago (30s, 15m, 24h, 7d, 2w) or ISO-8601 with an offset`);
    return date;
  };
  const since = time('since');
  // An export is a snapshot: without `until`, it ends at the moment it was asked for, so it
  // terminates even while events keep arriving.
  const until = time('until') ?? (format === 'ndjson' ? now : undefined);

  return {
    format,
    maxEvents: format === 'ndjson' ? limit : undefined,
    request: create(QueryEventsRequestSchema, {
      user: values.user ?? '',
      userId: values.user_id ?? '',
      githubLogin: values.github_login ?? '',
      clientId: values.client_id ?? '',
      grantId: values.grant_id ?? '',
      type: values.type ?? '',
      outcome: values.outcome === undefined ? Outcome.UNSPECIFIED : OUTCOMES[values.outcome],
      since: since ? timestampFromDate(since) : undefined,
      until: until ? timestampFromDate(until) : undefined,
      cursor: values.cursor ?? '',
      // JSON: the page size, checked by the audit service (1..1000). NDJSON: pages of 1000.
      limit: format === 'ndjson' ? Math.min(limit ?? NDJSON_PAGE, NDJSON_PAGE) : (limit ?? 0),
      order: values.order === undefined ? Order.NEWEST_FIRST : ORDERS[values.order],
    }),
  };
}

/** `?format=` wins; otherwise `Accept: application/x-ndjson` asks for the export. */
function formatOf(format: string | undefined, accept: string | undefined): ExportFormat {
  if (format === 'json' || format === 'ndjson') return format;
  if (format !== undefined) throw invalid('format must be json or ndjson');
  return /(^|,)\s*application\/x-ndjson\s*(;|,|$)/i.test(accept ?? '') ? 'ndjson' : 'json';
}

/** The filters of a request, for the audit event that records who read what (never the cursor). */
export function describeFilters(query: Record<string, unknown>): string {
  return FILTERS.filter((name) => typeof query[name] === 'string')
    .map((name) => `${name}=${String(query[name])}`)
    .join(' ');
}

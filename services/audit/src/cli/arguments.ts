import { parseArgs } from 'node:util';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  Order,
  Outcome,
  parseTimeExpression,
  type QueryEventsRequest,
  QueryEventsRequestSchema,
} from '@gatehouse/proto';

export type OutputFormat = 'table' | 'json' | 'ndjson';

export interface CliCommand {
  /** The first page's request; `ndjson` follows the cursor from there. */
  request: QueryEventsRequest;
  format: OutputFormat;
  /** ndjson only: stop after this many events (every matching event when absent). */
  maxEvents: number | undefined;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Query the audit log.

usage: npm run audit -- [filters] [--json | --ndjson]

filters (combined with AND):
  --user <id|login>     events whose actor has this user id or GitHub login
  --user-id <id>        the actor's user id only
  --login <login>       the actor's GitHub login only (case-insensitive)
  --client <id>         client id
  --grant <id>          grant id
  --type <type>         an event type (token.grant.revoked) or a prefix ending in "." (token.)
  --outcome <outcome>   success, failure or denied
  --since <time>        from this time (inclusive): 30s, 15m, 24h, 7d, 2w ago, or ISO-8601
  --until <time>        up to this time (exclusive), same forms
output:
  (default)             a table of one page, newest first
  --json                one page as JSON: {"events": [...], "next_cursor": "..."}
  --ndjson              every matching event, one JSON object per line, across pages
  --limit <n>           page size, 1-1000 (default 100); with --ndjson, the most events to print
  --cursor <cursor>     continue from a previous page's next_cursor
  --oldest-first        oldest events first
connection: NATS_URL, NATS_SUBJECT_PREFIX, NATS_CREDS_FILE, as for the services.`;

const OUTCOMES: Record<string, Outcome> = {
  success: Outcome.SUCCESS,
  failure: Outcome.FAILURE,
  denied: Outcome.DENIED,
};

/** Reads the command line; `undefined` means "print the usage". Throws UsageError with what to fix. */
export function parseCliArguments(argv: readonly string[], now: Date): CliCommand | undefined {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return undefined;
  if (values.json && values.ndjson) throw new UsageError('--json and --ndjson are exclusive');
  const format: OutputFormat = values.json ? 'json' : values.ndjson ? 'ndjson' : 'table';

  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!/^\d+$/.test(values.limit ?? '') || limit < 1)) {
    throw new UsageError('--limit must be a positive whole number');
  }
  if (limit !== undefined && limit > 1000 && format !== 'ndjson') {
    throw new UsageError('--limit must be at most 1000 for a page; use --ndjson to export more');
  }
  if (values.outcome !== undefined && !Object.hasOwn(OUTCOMES, values.outcome)) {
    throw new UsageError('--outcome must be success, failure or denied');
  }
  const time = (flag: 'since' | 'until') => {
    const value = values[flag];
    if (value === undefined) return undefined;
    const date = parseTimeExpression(value, now);
    if (!date) {
      throw new UsageError(`--${flag} must be a time ago (30s, 15m, 24h, 7d, 2w) or ISO-8601 with an offset`);
    }
    return timestampFromDate(date);
  };

  return {
    format,
    maxEvents: format === 'ndjson' ? limit : undefined,
    request: create(QueryEventsRequestSchema, {
      user: values.user ?? '',
      userId: values['user-id'] ?? '',
      githubLogin: values.login ?? '',
      clientId: values.client ?? '',
      grantId: values.grant ?? '',
      type: values.type ?? '',
      outcome: values.outcome === undefined ? Outcome.UNSPECIFIED : OUTCOMES[values.outcome],
      since: time('since'),
      until: time('until'),
      cursor: values.cursor ?? '',
      limit: format === 'ndjson' ? Math.min(limit ?? 1000, 1000) : (limit ?? 0),
      order: values['oldest-first'] ? Order.OLDEST_FIRST : Order.NEWEST_FIRST,
    }),
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      user: { type: 'string' },
      'user-id': { type: 'string' },
      login: { type: 'string' },
      client: { type: 'string' },
      grant: { type: 'string' },
      type: { type: 'string' },
      outcome: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      limit: { type: 'string' },
      cursor: { type: 'string' },
      'oldest-first': { type: 'boolean' },
      json: { type: 'boolean' },
      ndjson: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

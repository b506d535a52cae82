import { EVENT_TYPES } from '@gatehouse/proto';
import { auditError } from '../errors.ts';
import type { AuditOutcome } from '../events/record.ts';
import { type Cursor, decodeCursor } from './cursor.ts';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
const MAX_FILTER_LENGTH = 512;

/** What a caller asked for, before validation: absent filters are undefined or empty. */
export interface QueryInput {
  user?: string;
  userId?: string;
  githubLogin?: string;
  clientId?: string;
  grantId?: string;
  type?: string;
  outcome?: AuditOutcome;
  since?: Date;
  until?: Date;
  cursor?: string;
  limit?: number;
  order?: 'newest_first' | 'oldest_first';
}

export type TypeFilter = { exact: string } | { prefix: string };

/** A validated query: every filter present is one the store can index. */
export interface EventQuery {
  /** A user id or a GitHub login. */
  user?: string;
  userId?: string;
  githubLogin?: string;
  clientId?: string;
  grantId?: string;
  type?: TypeFilter;
  outcome?: AuditOutcome;
  /** Inclusive. */
  since?: Date;
  /** Exclusive. */
  until?: Date;
  /** Events strictly after this position, in the query's order. */
  after?: Cursor;
  limit: number;
  order: 'newest_first' | 'oldest_first';
}

/** Validates a query; every refusal names the filter and what would be accepted. */
export function parseQuery(input: QueryInput): EventQuery {
  const limit = input.limit || DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw auditError('invalid_request', `limit must be an integer between 1 and ${MAX_LIMIT}`);
  }
  if (input.since && input.until && input.since.getTime() >= input.until.getTime()) {
    throw auditError('invalid_request', 'since must be earlier than until');
  }
  return {
    ...stringFilter('user', input.user),
    ...stringFilter('userId', input.userId),
    ...stringFilter('githubLogin', input.githubLogin),
    ...stringFilter('clientId', input.clientId),
    ...stringFilter('grantId', input.grantId),
    ...(input.type ? { type: parseTypeFilter(input.type) } : {}),
    ...(input.outcome ? { outcome: input.outcome } : {}),
    ...(input.since ? { since: input.since } : {}),
    ...(input.until ? { until: input.until } : {}),
    ...(input.cursor ? { after: decodeCursor(input.cursor) } : {}),
    limit,
    order: input.order ?? 'newest_first',
  };
}

/**
 * An exact taxonomy entry ("token.grant.revoked"), or a prefix ending in "." ("token.",
 * "token.refresh_token.") that starts at least one entry: a typo is refused, not answered with
 * an empty page that looks like "nothing happened".
 */
export function parseTypeFilter(value: string): TypeFilter {
  const types = Object.keys(EVENT_TYPES);
  if (value.endsWith('.')) {
    if (!/^[a-z_]+(\.[a-z_]+)*\.$/.test(value) || !types.some((type) => type.startsWith(value))) {
      throw auditError('invalid_request', `no event type starts with ${JSON.stringify(value.slice(0, 64))}`);
    }
    return { prefix: value };
  }
  if (!types.includes(value)) {
    throw auditError(
      'invalid_request',
      `unknown event type ${JSON.stringify(value.slice(0, 64))}; give a type from docs/audit.md or a prefix ending in "."`,
    );
  }
  return { exact: value };
}

const WIRE_NAMES = {
  user: 'user',
  userId: 'user_id',
  githubLogin: 'github_login',
  clientId: 'client_id',
  grantId: 'grant_id',
} as const;

function stringFilter<K extends keyof typeof WIRE_NAMES>(
  key: K,
  value: string | undefined,
): Partial<Record<K, string>> {
  if (!value) return {};
  if (value.length > MAX_FILTER_LENGTH || value.includes('\u0000')) {
    throw auditError(
      'invalid_request',
      `${WIRE_NAMES[key]} must be text of at most ${MAX_FILTER_LENGTH} characters`,
    );
  }
  return { [key]: value } as Partial<Record<K, string>>;
}

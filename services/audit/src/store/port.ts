import type { AuditRecord } from '../events/record.ts';
import type { EventQuery } from '../query/filters.ts';

/**
 * Where events are kept. Implementations throw AuditError: `row_refused` when the database
 * refuses the data itself (retrying cannot help), `unavailable` for anything worth retrying.
 */
export interface EventStore {
  /** Stores every record whose id is new, in one statement; resolves with the ids that were new. */
  insert(records: readonly AuditRecord[]): Promise<Set<string>>;
  /** Up to `query.limit` events in the query's order, abandoned after `timeoutMs`. */
  query(query: EventQuery, options: { timeoutMs: number }): Promise<AuditRecord[]>;
  /** Deletes up to `batchSize` events older than `cutoff`; resolves with how many it deleted. */
  purgeBefore(cutoff: Date, batchSize: number): Promise<number>;
}

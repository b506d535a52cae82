import type { AuditRecord } from '../events/record.ts';
import type { EventStore } from '../store/port.ts';
import { encodeCursor } from './cursor.ts';
import { parseQuery, type QueryInput } from './filters.ts';

export interface EventPage {
  events: AuditRecord[];
  /** Where the next page starts; undefined when this page is the last. */
  nextCursor: string | undefined;
}

/** One page of events matching every filter, in (occurred_at, id) order. */
export async function queryEvents(
  store: EventStore,
  input: QueryInput,
  options: { timeoutMs: number },
): Promise<EventPage> {
  const query = parseQuery(input);
  // One row beyond the page says whether another page exists, without a COUNT.
  const rows = await store.query({ ...query, limit: query.limit + 1 }, options);
  const events = rows.slice(0, query.limit);
  return { events, nextCursor: rows.length > query.limit ? cursorAfter(events.at(-1)!) : undefined };
}

/** The cursor of the page that starts after `event`. */
export function cursorAfter(event: AuditRecord): string {
  return encodeCursor({ occurredAt: event.occurredAt, id: event.id });
}

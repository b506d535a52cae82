import { type JsonObject, toJson } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { type Event, EventSchema, Outcome } from '@gatehouse/proto';

/**
 * An event as JSON: protobuf's canonical JSON mapping with the .proto field names (snake_case,
 * RFC 3339 times, enum names, empty fields left out), the same form the admin HTTP API returns.
 */
export function eventJson(event: Event): JsonObject {
  return toJson(EventSchema, event, { useProtoFieldName: true }) as JsonObject;
}

const OUTCOME_NAMES: Record<Outcome, string> = {
  [Outcome.UNSPECIFIED]: '?',
  [Outcome.SUCCESS]: 'success',
  [Outcome.FAILURE]: 'failure',
  [Outcome.DENIED]: 'denied',
};

const COLUMNS = ['TIME', 'TYPE', 'OUTCOME', 'USER', 'CLIENT', 'GRANT', 'IP', 'REASON'] as const;
const MAX_CELL = 40;

/** A fixed-width table for a terminal; long values (CIMD client ids are URLs) are shortened. */
export function eventTable(events: readonly Event[]): string {
  const rows = events.map((event) => [
    event.occurredAt ? timestampDate(event.occurredAt).toISOString() : '',
    event.type,
    OUTCOME_NAMES[event.outcome] ?? String(event.outcome),
    event.actor?.githubLogin || event.actor?.userId || '-',
    event.clientId || '-',
    event.grantId || '-',
    event.ip || '-',
    event.reason || '',
  ]);
  const cells = [[...COLUMNS], ...rows].map((row) => row.map((cell) => shorten(printable(cell))));
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function shorten(value: string): string {
  return value.length > MAX_CELL ? `${value.slice(0, MAX_CELL - 1)}…` : value;
}

/** Values come from clients (user agents, client ids): no terminal control sequences reach the screen. */
function printable(value: string): string {
  return value.replace(/\p{Cc}/gu, '?');
}

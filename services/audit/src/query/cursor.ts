import { auditError } from '../errors.ts';

/** A position in (occurred_at, id) order: the last event of the previous page. */
export interface Cursor {
  occurredAt: Date;
  id: string;
}

const VERSION = 'v1';
const SHAPE = /^v1\.(\d{1,16})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/**
 * Keyset cursors: opaque to callers (base64url), plain inside. They name a position, not a
 * result set, so a cursor never goes stale: events stored after it was issued appear on the page
 * they belong to, and a purged position just starts from the next event.
 */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${VERSION}.${cursor.occurredAt.getTime()}.${cursor.id}`).toString('base64url');
}

export function decodeCursor(value: string): Cursor {
  const match = /^[A-Za-z0-9_-]{1,128}$/.test(value)
    ? SHAPE.exec(Buffer.from(value, 'base64url').toString('latin1'))
    : null;
  const occurredAt = match ? new Date(Number(match[1])) : undefined;
  if (!match || !occurredAt || Number.isNaN(occurredAt.getTime())) {
    throw auditError('invalid_request', 'cursor is not one this service issued');
  }
  return { occurredAt, id: match[2]! };
}

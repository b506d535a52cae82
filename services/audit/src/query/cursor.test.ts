import { describe, expect, test } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.ts';

describe('keyset cursors', () => {
  const position = {
    occurredAt: new Date('2026-11-23T10:00:00.123Z'),
    id: '01933b2e-7f00-7a1b-8c2d-3e4f5a6b7c8d',
  };

  test('round-trips a position to the millisecond, as an opaque URL-safe string', () => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  test.for([
    ['empty', ''],
    ['not base64url', 'a+b/c='],
    ['another version', Buffer.from(`v2.1700000000000.${position.id}`).toString('base64url')],
    ['a bad id', Buffer.from('v1.1700000000000.not-a-uuid').toString('base64url')],
    ['an uppercase id', Buffer.from(`v1.1.${position.id.toUpperCase()}`).toString('base64url')],
    [
      'a time beyond what a date holds',
      Buffer.from(`v1.9999999999999999.${position.id}`).toString('base64url'),
    ],
    ['trailing data', Buffer.from(`v1.1.${position.id};drop`).toString('base64url')],
    ['an oversized value', 'A'.repeat(500)],
  ] as const)('refuses a cursor with %s', ([, value]) => {
    expect(() => decodeCursor(value)).toThrow(
      expect.objectContaining({
        code: 'invalid_request',
        description: 'cursor is not one this service issued',
      }),
    );
  });
});

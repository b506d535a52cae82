import { describe, expect, test } from 'vitest';
import { parseTimeExpression } from '../src/time-expression.ts';

const now = new Date('2026-11-23T12:00:00.000Z');

describe('time expressions', () => {
  test.for([
    ['30s', '2026-11-23T11:59:30.000Z'],
    ['15m', '2026-11-23T11:45:00.000Z'],
    ['24h', '2026-11-22T12:00:00.000Z'],
    ['7d', '2026-11-16T12:00:00.000Z'],
    ['2w', '2026-11-09T12:00:00.000Z'],
    ['2026-11-01', '2026-11-01T00:00:00.000Z'],
    ['2026-11-01T08:30Z', '2026-11-01T08:30:00.000Z'],
    ['2026-11-01T08:30:15.250+02:00', '2026-11-01T06:30:15.250Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ] as const)('reads %s', ([value, expected]) => {
    expect(parseTimeExpression(value, now)?.toISOString()).toBe(expected);
  });

  test.for([
    '24',
    '-24h',
    '1y',
    'yesterday',
    '2026-11-01T08:30:00',
    '2026-02-30',
    '2025-02-29T00:00:00Z',
    '2026-13-01',
    '2026-11-01T25:00Z',
    '2026-11-01 08:30Z',
    '1700000000',
  ])('refuses %j', (value) => {
    expect(parseTimeExpression(value, now)).toBeUndefined();
  });
});

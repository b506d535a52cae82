import { describe, expect, test } from 'vitest';
import { RefusalReports } from './refusal-reports.ts';

describe('refusal reports', () => {
  test('reports the first refusal per address, then one a minute with the count it stands for', () => {
    const reports = new RefusalReports();
    expect(reports.admit('198.51.100.1', 0)).toBe(0);
    expect(reports.admit('198.51.100.1', 1_000)).toBeUndefined();
    expect(reports.admit('198.51.100.1', 59_999)).toBeUndefined();
    expect(reports.admit('198.51.100.2', 2_000)).toBe(0);
    expect(reports.admit('198.51.100.1', 60_000)).toBe(2);
    expect(reports.admit('198.51.100.1', 60_001)).toBeUndefined();
  });

  test('stays bounded under a flood from many addresses', () => {
    const reports = new RefusalReports();
    for (let i = 0; i < 50_000; i += 1) expect(reports.admit(`10.0.${i >> 8}.${i & 255}#${i}`, 5)).toBe(0);
  });
});

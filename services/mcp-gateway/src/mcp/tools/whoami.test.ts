import { describe, expect, test } from '@gatehouse/testing';
import { maskToken } from './whoami.ts';

describe('maskToken', () => {
  test("shows the worker's mask as it is", () => {
    expect(maskToken('gho_…x9Qa')).toBe('gho_…x9Qa');
  });

  test('never shows more than the first and last four characters, whatever the worker sent', () => {
    const token = 'gho_16C7e42F292c6912E7710c838347Ae178B4a';
    expect(maskToken(token)).toBe('gho_…8B4a');
    expect(maskToken('abcdefghijkl')).toBe('(hidden)');
    expect(maskToken('…')).toBe('(hidden)');
    expect(maskToken('')).toBe('(hidden)');
  });
});

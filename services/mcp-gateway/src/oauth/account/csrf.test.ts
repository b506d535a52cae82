import { describe, expect, test } from 'vitest';
import { csrfTokenMatches } from './csrf.ts';

describe('csrfTokenMatches', () => {
  test('matches only the same token, whatever the lengths', () => {
    expect(csrfTokenMatches('abc', 'abc')).toBe(true);
    expect(csrfTokenMatches('abd', 'abc')).toBe(false);
    expect(csrfTokenMatches('abcabc', 'abc')).toBe(false);
    expect(csrfTokenMatches('', 'abc')).toBe(false);
  });

  test('never matches when the session has no token', () => {
    expect(csrfTokenMatches('', '')).toBe(false);
  });
});

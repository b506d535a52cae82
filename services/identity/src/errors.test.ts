import { describe, expect, test } from 'vitest';
import { AuthorizationError, errorDescription } from './errors.ts';

describe('error descriptions', () => {
  test('keep to the characters RFC 6749 §4.1.2.1 allows', () => {
    expect(errorDescription('Unknown scope: "x\\y" é\n.')).toBe('Unknown scope: ?x?y? ??.');
  });

  test('are bounded', () => {
    expect(new AuthorizationError('invalid_scope', 'x'.repeat(1000)).description).toHaveLength(300);
  });
});

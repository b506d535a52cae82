import type { BusError } from '@gatehouse/bus';
import { describe, expect, test } from 'vitest';
import { parseParameters } from './parameters.ts';

const parse = (text: string) => parseParameters(new URLSearchParams(text));

describe('parseParameters', () => {
  test('decodes form encoding, + as space', () => {
    expect(parse('scope=repos%3Aread+issues%3Aread&state=a%26b')).toEqual({
      scope: 'repos:read issues:read',
      state: 'a&b',
    });
  });

  test('drops empty values, as if omitted (RFC 6749 §3.1)', () => {
    expect(parse('a=&b=1&a=2')).toEqual({ b: '1', a: '2' });
  });

  test('refuses a repeated parameter, naming it (RFC 6749 §3.1, §3.2)', () => {
    expect(() => parse('code=1&code=2')).toThrow(
      expect.objectContaining({ code: 'invalid_request', description: 'The "code" parameter is repeated.' }),
    );
  });

  test('quotes only printable characters of a hostile parameter name back', () => {
    const error = (() => {
      try {
        parse(`${encodeURIComponent('x\u0000\n<é>')}=1`);
      } catch (thrown) {
        return thrown as BusError;
      }
    })();
    expect(error?.description).toBe('The "x??<?>" parameter contains a control character.');
  });

  test('is immune to prototype keys', () => {
    const parsed = parse('__proto__=x&constructor=y&toString=z');
    expect(Object.getPrototypeOf(parsed)).toBeNull();
    expect(Object.entries(parsed)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
      ['toString', 'z'],
    ]);
    expect(() => parse('toString=1&toString=2')).toThrow('The "toString" parameter is repeated.');
  });

  test('refuses more than 64 parameters', () => {
    const many = Array.from({ length: 65 }, (_, i) => `p${i}=1`).join('&');
    expect(() => parse(many)).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });

  test('refuses control characters in names and values (RFC 6749 Appendix A)', () => {
    for (const query of ['client_id=%00', 'client_id=a%0Ab', 'x%7F=1', 'state=%1B']) {
      expect(() => parse(query), query).toThrow(/contains a control character/);
    }
    expect(parse('state=caf%C3%A9%20ok')).toEqual({ state: 'café ok' });
  });
});

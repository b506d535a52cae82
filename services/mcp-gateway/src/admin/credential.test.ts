import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { adminCredential } from './credential.ts';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

describe('the admin credential', () => {
  const credential = adminCredential([sha256('current-token'), sha256('next-token')]);

  test('accepts the bearer token of any configured digest (two during a rotation)', () => {
    expect(credential.check('Bearer current-token')).toBe('valid');
    expect(credential.check('bearer next-token')).toBe('valid');
    expect(credential.check('BEARER   next-token ')).toBe('valid');
  });

  test('tells a missing credential from a wrong one (RFC 6750 §3.1)', () => {
    expect(credential.check(undefined)).toBe('missing');
    expect(credential.check('')).toBe('missing');
    expect(credential.check('Basic Y3VycmVudC10b2tlbg==')).toBe('missing');
    expect(credential.check('Bearer')).toBe('missing');
    for (const header of [
      'Bearer ',
      'Bearer current-tokenx',
      'Bearer current',
      'Bearer a b',
      'Bearer cur\u00e9nt',
    ]) {
      expect(credential.check(header)).toBe('invalid');
    }
  });

  test('hashes the presented token: a configured token (instead of its digest) lets nothing in', () => {
    expect(adminCredential([sha256(sha256('x'))]).check(`Bearer ${sha256('x')}`)).toBe('valid');
    expect(adminCredential([sha256('x')]).check(`Bearer ${sha256('x')}`)).toBe('invalid');
  });
});

import { parseEnv } from '@gatehouse/config';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { adminEnv } from './config.ts';

const parse = (value?: string) =>
  parseEnv('test', z.object(adminEnv), value === undefined ? {} : { ADMIN_TOKEN_SHA256: value });

describe('ADMIN_TOKEN_SHA256', () => {
  test('is empty (admin API off) when unset', () => {
    expect(parse().ADMIN_TOKEN_SHA256).toEqual([]);
  });

  test('reads one or more digests, trimmed and lowercased', () => {
    const a = 'A'.repeat(64);
    const b = 'b'.repeat(64);
    expect(parse(` ${a} , ${b},`).ADMIN_TOKEN_SHA256).toEqual(['a'.repeat(64), b]);
  });

  test.for(['my-secret-admin-token', 'a'.repeat(63), `${'a'.repeat(64)},zz`])(
    'refuses %j at boot',
    (value) => {
      expect(() => parse(value)).toThrow(/ADMIN_TOKEN_SHA256: must be hex SHA-256 digests/);
    },
  );
});

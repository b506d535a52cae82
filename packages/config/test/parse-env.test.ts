import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { ConfigError, envBoolean, envDuration, envList, envPort, envUrl, parseEnv } from '../src/index.ts';

const schema = z.object({
  PORT: envPort(8080),
  PUBLIC_URL: envUrl(['http', 'https'], 'http://localhost:8080'),
  SECRET: z.string().min(8),
  DEBUG: envBoolean(false),
  ORIGINS: envList(['a']),
  TTL: envDuration('15m'),
});

describe('parseEnv', () => {
  test('applies defaults and coerces types', () => {
    const config = parseEnv('svc', schema, { SECRET: 'abcdefgh' });
    expect(config).toEqual({
      PORT: 8080,
      PUBLIC_URL: 'http://localhost:8080',
      SECRET: 'abcdefgh',
      DEBUG: false,
      ORIGINS: ['a'],
      TTL: 900_000,
    });
  });

  test('lists every problem at once', () => {
    const error = (() => {
      try {
        parseEnv('svc', schema, { PORT: '70000', PUBLIC_URL: 'ftp://x', DEBUG: 'maybe', TTL: '5 minutes' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'DEBUG',
      'PORT',
      'PUBLIC_URL',
      'SECRET',
      'TTL',
    ]);
    expect(error?.message).toMatch(/^svc: invalid configuration\n {2}- /);
  });

  test('treats empty strings as unset', () => {
    expect(parseEnv('svc', schema, { SECRET: 'abcdefgh', PORT: '' }).PORT).toBe(8080);
  });

  test('reads X from the file named by X_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'secret'), 'from-a-file\n');
    expect(parseEnv('svc', schema, { SECRET_FILE: join(dir, 'secret') }).SECRET).toBe('from-a-file');
  });

  test('refuses X and X_FILE together, and a missing file', () => {
    expect(() => parseEnv('svc', schema, { SECRET: 'abcdefgh', SECRET_FILE: '/etc/hostname' })).toThrow(
      /SECRET and SECRET_FILE are both set/,
    );
    expect(() => parseEnv('svc', schema, { SECRET_FILE: '/nonexistent/secret' })).toThrow(
      /SECRET_FILE: cannot read/,
    );
  });

  test('parses durations with units', () => {
    const parse = (TTL: string) => parseEnv('svc', schema, { SECRET: 'abcdefgh', TTL }).TTL;
    expect([parse('500ms'), parse('30s'), parse('2h'), parse('7d'), parse('45')]).toEqual([
      500, 30_000, 7_200_000, 604_800_000, 45_000,
    ]);
  });
});

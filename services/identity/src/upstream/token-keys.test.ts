import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { isLoopbackHttpUrl, parseKeyring } from './token-keys.ts';

const key = () => randomBytes(32).toString('base64url');

describe('UPSTREAM_TOKEN_KEYS', () => {
  test('the first key encrypts and every key decrypts', () => {
    const [a, b] = [key(), key()];
    const keyring = parseKeyring(`k2:${a}, k1:${b}`);
    if (Array.isArray(keyring)) throw new Error(keyring.join('; '));
    expect(keyring.current.kid).toBe('k2');
    expect(Buffer.from(keyring.current.key).toString('base64url')).toBe(a);
    expect([...keyring.keys.keys()]).toEqual(['k2', 'k1']);
    expect(keyring.development).toBe(false);
  });

  test.each([
    ['', 'at least one'],
    ['k1', 'expected kid:key'],
    [`:${key()}`, 'expected kid:key'],
    ['k1:short', '32 bytes'],
    [`k1:${randomBytes(31).toString('base64url')}`, '32 bytes'],
    [`k1:${randomBytes(32).toString('base64')}+/`, '32 bytes'],
    [`bad kid:${key()}`, 'expected kid:key'],
  ])('refuses %j (%s)', (value, problem) => {
    const result = parseKeyring(value);
    expect(Array.isArray(result)).toBe(true);
    expect((result as string[]).join(' ')).toContain(problem);
  });

  test('refuses a kid listed twice, and never prints a key', () => {
    const secret = key();
    const result = parseKeyring(`k1:${secret},k1:${key()},k2:nope`);
    expect(result).toEqual([
      'entry 2: kid k1 is listed twice',
      'entry 3 (k2): the key must be 32 bytes, base64url-encoded',
    ]);
    expect(JSON.stringify(result)).not.toContain(secret);
  });

  test.each([
    ['http://localhost:8080', true],
    ['http://127.0.0.1', true],
    ['http://[::1]:8080', true],
    ['https://localhost:8080', false],
    ['http://gatehouse.example', false],
    ['http://localhost.evil.example', false],
  ])('%s is a loopback http URL: %s', (url, expected) => {
    expect(isLoopbackHttpUrl(url)).toBe(expected);
  });
});

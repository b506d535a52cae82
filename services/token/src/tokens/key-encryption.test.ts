import { randomBytes } from 'node:crypto';
import { describe, expect, test } from '@gatehouse/testing';
import {
  decryptWithKeys,
  encryptWithKeys,
  INSECURE_DEVELOPMENT_KEY,
  isDevelopmentUrl,
  parseKeyEncryptionKeys,
} from './key-encryption.ts';

const key = () => randomBytes(32).toString('base64url');

describe('key-encryption keys', () => {
  test('parses kid:key entries; the first one encrypts', () => {
    const { keys, problems } = parseKeyEncryptionKeys(`new:${key()}, old:${key()}`);
    expect(problems).toEqual([]);
    expect(keys.map((k) => k.id)).toEqual(['new', 'old']);
  });

  test.for([
    ['', /at least one/],
    ['nokey', /kid:base64url-key/],
    [`a b:${key()}`, /kid:base64url-key/],
    ['short:AAAA', /32 bytes/],
    [`dup:${key()},dup:${key()}`, /listed twice/],
    [`insecure-development-key:${key()}`, /reserved/],
  ] as const)('refuses %j', ([value, problem]) => {
    expect(parseKeyEncryptionKeys(value).problems.join('\n')).toMatch(problem);
  });

  test('decrypts with whichever configured key encrypted, and names a missing one', async () => {
    const { keys: old } = parseKeyEncryptionKeys(`old:${key()}`);
    const sealed = await encryptWithKeys('private jwk', old);
    const { keys: rotated } = parseKeyEncryptionKeys(`new:${key()}`);
    await expect(decryptWithKeys(sealed, [...rotated, ...old])).resolves.toBe('private jwk');
    await expect(decryptWithKeys(sealed, rotated)).rejects.toThrow(/"old", which TOKEN_KEY_ENCRYPTION_KEYS/);
  });

  test('detects tampering', async () => {
    const sealed = await encryptWithKeys('private jwk', [INSECURE_DEVELOPMENT_KEY]);
    const parts = sealed.split('.');
    parts[3] = `${parts[3]!.slice(0, -2)}AA`;
    await expect(decryptWithKeys(parts.join('.'), [INSECURE_DEVELOPMENT_KEY])).rejects.toThrow();
  });

  test.for([
    ['http://localhost:8080', true],
    ['http://127.0.0.1:8080', true],
    ['http://[::1]:8080', true],
    ['https://localhost', false],
    ['http://gatehouse.internal', false],
    ['https://gatehouse.example', false],
  ] as const)('%s is local development: %s', ([url, expected]) => {
    expect(isDevelopmentUrl(url)).toBe(expected);
  });
});

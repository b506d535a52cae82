import { createHash } from 'node:crypto';
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';

/** A key-encryption key: 32 bytes for JWE `dir` + `A256GCM`, named by its id. */
export interface KeyEncryptionKey {
  id: string;
  key: Uint8Array;
}

/**
 * The key used when TOKEN_KEY_ENCRYPTION_KEYS is unset, which the configuration allows only for a
 * loopback http PUBLIC_URL. It is derived from a public string: anything it encrypts is readable by
 * anyone with the database. The id says so, so it cannot be mistaken for a real key.
 */
export const INSECURE_DEVELOPMENT_KEY: KeyEncryptionKey = {
  id: 'insecure-development-key',
  key: createHash('sha256').update('gatehouse insecure development key-encryption key').digest(),
};

const KID = /^[A-Za-z0-9._-]{1,64}$/;

/** Parses `kid:base64url(32 bytes),kid:...`; the first entry encrypts, all decrypt. */
export function parseKeyEncryptionKeys(value: string): { keys: KeyEncryptionKey[]; problems: string[] } {
  const keys: KeyEncryptionKey[] = [];
  const problems: string[] = [];
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) problems.push('must list at least one kid:key entry');
  entries.forEach((entry, index) => {
    const separator = entry.indexOf(':');
    const id = separator > 0 ? entry.slice(0, separator) : '';
    const encoded = separator > 0 ? entry.slice(separator + 1) : '';
    if (!KID.test(id)) {
      problems.push(`entry ${index + 1}: expected kid:base64url-key with a kid of letters, digits, . _ -`);
      return;
    }
    const key = /^[A-Za-z0-9_-]+$/.test(encoded) ? Buffer.from(encoded, 'base64url') : Buffer.alloc(0);
    if (key.length !== 32) {
      problems.push(`key "${id}" must be 32 bytes, base64url-encoded (openssl rand 32 | basenc --base64url)`);
      return;
    }
    if (keys.some((existing) => existing.id === id)) {
      problems.push(`key id "${id}" is listed twice`);
      return;
    }
    if (id === INSECURE_DEVELOPMENT_KEY.id) {
      problems.push(`key id "${id}" is reserved`);
      return;
    }
    keys.push({ id, key });
  });
  return { keys, problems };
}

/** Whether PUBLIC_URL is a local development address, the only place the insecure key is allowed. */
export function isDevelopmentUrl(publicUrl: string): boolean {
  const url = new URL(publicUrl);
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** The keys to use: configured ones, or the insecure development key (the config allows it only locally). */
export function keyEncryptionKeys(configured: string | undefined): KeyEncryptionKey[] {
  if (configured === undefined) return [INSECURE_DEVELOPMENT_KEY];
  return parseKeyEncryptionKeys(configured).keys;
}

/** Encrypts with the first key: JWE compact, `dir` + `A256GCM`, `kid` in the protected header. */
export async function encryptWithKeys(plaintext: string, keys: readonly KeyEncryptionKey[]): Promise<string> {
  const primary = keys[0];
  if (!primary) throw new Error('no key-encryption key configured');
  return new CompactEncrypt(new TextEncoder().encode(plaintext))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: primary.id })
    .encrypt(primary.key);
}

/** Decrypts with whichever key the JWE names; fails clearly when that key is not configured. */
export async function decryptWithKeys(jwe: string, keys: readonly KeyEncryptionKey[]): Promise<string> {
  const { kid, alg, enc } = decodeProtectedHeader(jwe);
  if (alg !== 'dir' || enc !== 'A256GCM') throw new Error(`unexpected JWE algorithms ${alg}/${enc}`);
  const key = keys.find((candidate) => candidate.id === kid);
  if (!key) {
    throw new Error(
      `encrypted under key-encryption key "${kid}", which TOKEN_KEY_ENCRYPTION_KEYS does not contain`,
    );
  }
  const { plaintext } = await compactDecrypt(jwe, key.key, {
    keyManagementAlgorithms: ['dir'],
    contentEncryptionAlgorithms: ['A256GCM'],
  });
  return new TextDecoder().decode(plaintext);
}

import { createHash } from 'node:crypto';

/** AES-256-GCM keys by key id; `current` encrypts, every key decrypts, so keys can rotate. */
export interface Keyring {
  current: { kid: string; key: Uint8Array };
  keys: ReadonlyMap<string, Uint8Array>;
  /** True for the built-in key, which the configuration allows only on a loopback PUBLIC_URL. */
  development: boolean;
}

const KID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Parses `kid:base64url(32 bytes),kid:...` (the first entry encrypts). Returns every problem found,
 * never a key's value, so the boot error can be printed.
 */
export function parseKeyring(value: string): Keyring | string[] {
  const problems: string[] = [];
  const keys = new Map<string, Uint8Array>();
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) problems.push('must list at least one kid:key');
  entries.forEach((entry, index) => {
    const separator = entry.indexOf(':');
    const kid = separator < 0 ? '' : entry.slice(0, separator);
    const encoded = separator < 0 ? '' : entry.slice(separator + 1);
    if (!KID.test(kid)) {
      problems.push(`entry ${index + 1}: expected kid:key with a kid of letters, digits, . _ -`);
      return;
    }
    if (keys.has(kid)) problems.push(`entry ${index + 1}: kid ${kid} is listed twice`);
    const key = /^[A-Za-z0-9_-]+$/.test(encoded) ? Buffer.from(encoded, 'base64url') : Buffer.alloc(0);
    if (key.length !== 32) {
      problems.push(`entry ${index + 1} (${kid}): the key must be 32 bytes, base64url-encoded`);
      return;
    }
    keys.set(kid, new Uint8Array(key));
  });
  const [first] = keys.entries();
  if (problems.length > 0 || !first) return problems;
  return { current: { kid: first[0], key: first[1] }, keys, development: false };
}

/** A fixed, public key: it protects nothing and is refused unless PUBLIC_URL is http on loopback. */
const developmentKey = new Uint8Array(
  createHash('sha256').update('gatehouse insecure development upstream-token key').digest(),
);

export const DEVELOPMENT_KEYRING: Keyring = {
  current: { kid: 'insecure-development-key', key: developmentKey },
  keys: new Map([['insecure-development-key', developmentKey]]),
  development: true,
};

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** http://localhost, http://127.0.0.1 or http://[::1], any port: a developer's machine. */
export function isLoopbackHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  } catch {
    return false;
  }
}

import { createHash } from 'node:crypto';
import type { AccessToken } from './access-token.ts';

/**
 * Verified tokens by SHA-256 of the token string, until they expire: a client sending many
 * requests with one token pays for one signature verification. Only the exact string that was
 * verified hits, so nothing is trusted that was not checked; revocation is checked on every
 * request regardless. The token itself is never kept, only its hash. Bounded: the oldest entry
 * goes first.
 */
export class VerifiedTokens {
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, AccessToken>();

  constructor(options: { maxEntries?: number; now?: () => number } = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  static keyOf(token: string): string {
    return createHash('sha256').update(token).digest('base64url');
  }

  get(key: string): AccessToken | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    // No leeway here: a cached token stops at its exact expiry.
    if (entry.expiresAt * 1000 <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, token: AccessToken): void {
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, token);
  }

  /** Forgets every token signed by keys that are no longer published. */
  dropKeys(keyIds: readonly string[]): void {
    const gone = new Set(keyIds);
    for (const [key, token] of this.#entries) if (gone.has(token.keyId)) this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}

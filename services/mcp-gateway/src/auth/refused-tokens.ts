import type { RejectionReason } from './errors.ts';

/**
 * Reasons that stay true of a token whatever happens later. Not among them: an unknown key (the
 * token service may just have rotated, and the next JWKS read knows it), not yet valid (it will
 * be), and revoked (checked on every request anyway).
 */
const LASTING: ReadonlySet<RejectionReason> = new Set<RejectionReason>([
  'malformed',
  'algorithm',
  'type',
  'signature',
  'issuer',
  'audience',
  'claims',
  'lifetime',
  'expired',
]);

/**
 * Tokens refused for a lasting reason, by the same SHA-256 key as VerifiedTokens, for `ttlMs`: a
 * client stuck on a bad token, or a flood replaying one, costs one signature check instead of one
 * per request. A flood of ever-different forged tokens is not helped (each must be checked), nor
 * harmed: the map is bounded and the oldest entry goes first.
 */
export class RefusedTokens {
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, { reason: RejectionReason; until: number }>();

  constructor(options: { maxEntries?: number; ttlMs?: number; now?: () => number } = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#ttlMs = options.ttlMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** Why the token with this key was refused, if it was, recently and for good. */
  get(key: string): RejectionReason | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.reason;
  }

  /** Remembers a refusal if its reason is a lasting one; other reasons are ignored. */
  remember(key: string, reason: RejectionReason): void {
    if (!LASTING.has(reason)) return;
    if (this.#entries.size >= this.#maxEntries && !this.#entries.has(key)) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { reason, until: this.#now() + this.#ttlMs });
  }

  get size(): number {
    return this.#entries.size;
  }
}

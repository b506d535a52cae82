/** A person's GitHub token, as identity hands it to the worker. Never logged, never sent on. */
export interface UpstreamToken {
  accessToken: string;
  /** Unset when GitHub's token does not expire (OAuth Apps). */
  expiresAt: Date | undefined;
}

/**
 * Where the worker gets GitHub tokens: identity over the bus in production (bus/identity-tokens.ts).
 * Both methods throw a WorkerError: `invalid_grant` when the person must reconnect GitHub,
 * `unavailable` when the source could not be asked in time.
 */
export interface UpstreamTokenSource {
  get(userId: string, deadline: number): Promise<UpstreamToken>;
  /** GitHub refused `stale`: a token GitHub should accept again. */
  refresh(userId: string, stale: UpstreamToken, deadline: number): Promise<UpstreamToken>;
}

export interface TokenCacheOptions {
  /** How long a token is reused without asking the source again; 0 disables caching. */
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}

interface Entry {
  token: UpstreamToken;
  /** Epoch ms: the TTL, or shortly before the token's own expiry if that is sooner. */
  until: number;
}

/** A token this close to its expiry is treated as expired: it could die in flight. */
export const EXPIRY_MARGIN_MS = 30_000;

/**
 * Keeps tokens briefly in memory so a burst of tool calls costs one identity round trip. Concurrent
 * fetches and refreshes for one person share a single call to the source, so many 401s at once
 * cost one refresh (GitHub rotates refresh tokens; parallel refreshes would race to burn them).
 */
export class CachedUpstreamTokens implements UpstreamTokenSource {
  readonly #source: UpstreamTokenSource;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<UpstreamToken>>();
  /** Bumped by `forget`, so a fetch that started before it does not cache what it gets. */
  #generation = 0;

  constructor(source: UpstreamTokenSource, options: TokenCacheOptions) {
    this.#source = source;
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries;
    this.#now = options.now ?? Date.now;
  }

  async get(userId: string, deadline: number): Promise<UpstreamToken> {
    const cached = this.#fresh(userId);
    if (cached) return cached;
    return this.#once(`get:${userId}`, async () => {
      const token = await this.#source.get(userId, deadline);
      // Identity may hand over a token that is about to expire: refresh it before GitHub says 401.
      return this.#usable(token) ? token : this.refresh(userId, token, deadline);
    });
  }

  async refresh(userId: string, stale: UpstreamToken, deadline: number): Promise<UpstreamToken> {
    // Another request already replaced the token GitHub refused: use that one.
    const cached = this.#fresh(userId);
    if (cached && cached !== stale) return cached;
    this.#entries.delete(userId);
    return this.#once(`refresh:${userId}`, () => this.#source.refresh(userId, stale, deadline));
  }

  /** Drops what is held for a person (revocation, reconnect); in-flight fetches are not cached. */
  forget(userId: string): void {
    this.#generation += 1;
    this.#entries.delete(userId);
  }

  get size(): number {
    return this.#entries.size;
  }

  #fresh(userId: string): UpstreamToken | undefined {
    const entry = this.#entries.get(userId);
    if (!entry) return undefined;
    if (entry.until > this.#now()) return entry.token;
    this.#entries.delete(userId);
    return undefined;
  }

  #usable(token: UpstreamToken): boolean {
    return token.expiresAt === undefined || token.expiresAt.getTime() - EXPIRY_MARGIN_MS > this.#now();
  }

  async #once(key: string, fetch: () => Promise<UpstreamToken>): Promise<UpstreamToken> {
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    const userId = key.slice(key.indexOf(':') + 1);
    const generation = this.#generation;
    const promise = fetch()
      .then((token) => {
        if (generation === this.#generation) this.#store(userId, token);
        return token;
      })
      .finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, promise);
    return promise;
  }

  #store(userId: string, token: UpstreamToken): void {
    const now = this.#now();
    const expiry = token.expiresAt ? token.expiresAt.getTime() - EXPIRY_MARGIN_MS : Number.POSITIVE_INFINITY;
    const until = Math.min(now + this.#ttlMs, expiry);
    if (until <= now) return;
    // Re-inserting moves the person to the back, so the oldest fetch is evicted first.
    this.#entries.delete(userId);
    this.#entries.set(userId, { token, until });
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }
}

/**
 * What may be shown of a token: its first and last four characters (`gho_…wxyz`), and nothing at
 * all when the token is too short for eight characters to be a small part of it.
 */
export function maskToken(token: string): string {
  if (token.length < 20) return '…';
  return `${token.slice(0, 4)}…${token.slice(-4)}`;
}

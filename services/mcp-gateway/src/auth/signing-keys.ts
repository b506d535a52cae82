import type { Logger } from '@gatehouse/logging';
import { importJWK, type JWK } from 'jose';
import { BearerError } from './errors.ts';

/** A JWK Set document (RFC 7517 §5). */
export interface JsonWebKeySet {
  keys: JWK[];
}

/** The port the verifier's keys come from: in production the token service's GetJwks, over the bus. */
export type JwksSource = () => Promise<JsonWebKeySet>;

/** Looks up the public key for a `kid`; undefined when no such key is published. */
export interface SigningKeys {
  key(kid: string): Promise<CryptoKey | undefined>;
}

/**
 * Only P-256 signing keys are usable: the token service signs ES256 (RFC 7518 §3.4) and the
 * verifier allows no other algorithm, so any other key in the set is ignored.
 */
async function importSigningKeys(jwks: JsonWebKeySet, logger?: Logger): Promise<Map<string, CryptoKey>> {
  const keys = new Map<string, CryptoKey>();
  for (const jwk of jwks.keys ?? []) {
    const usable =
      typeof jwk.kid === 'string' &&
      jwk.kid.length > 0 &&
      jwk.kty === 'EC' &&
      jwk.crv === 'P-256' &&
      (jwk.alg === undefined || jwk.alg === 'ES256') &&
      (jwk.use === undefined || jwk.use === 'sig') &&
      jwk.d === undefined;
    if (!usable) {
      logger?.warn({ kid: jwk.kid, kty: jwk.kty, crv: jwk.crv, alg: jwk.alg }, 'ignoring unusable JWK');
      continue;
    }
    try {
      keys.set(jwk.kid!, (await importJWK({ ...jwk, alg: 'ES256' }, 'ES256')) as CryptoKey);
    } catch (error) {
      logger?.warn({ err: error, kid: jwk.kid }, 'ignoring JWK that does not import');
    }
  }
  return keys;
}

/** A fixed key set (tests, the benchmark). */
export async function staticSigningKeys(jwks: JsonWebKeySet): Promise<SigningKeys> {
  const keys = await importSigningKeys(jwks);
  return { key: async (kid) => keys.get(kid) };
}

export interface CachedSigningKeysOptions {
  source: JwksSource;
  logger: Logger;
  /** Background re-read period, so retired keys drop out and pre-published ones arrive early. */
  refreshIntervalMs: number;
  /** Least time between re-reads triggered by an unknown `kid`. */
  refetchCooldownMs: number;
  /** Called with the key ids that disappeared from the set. */
  onKeysRemoved?: (kids: string[]) => void;
  now?: () => number;
}

const FAILED_READ_RETRY_MS = 250;

/**
 * The token service's public keys, cached in memory. A token naming a `kid` we do not hold
 * triggers one re-read (the token service pre-publishes the next key, so this is rare in normal
 * operation); re-reads are coalesced and at most one per cooldown, so a flood of tokens with
 * random kids costs one bus request per cooldown, not one per token.
 */
export class CachedSigningKeys implements SigningKeys {
  readonly #options: CachedSigningKeysOptions;
  readonly #now: () => number;
  #keys = new Map<string, CryptoKey>();
  #loaded = false;
  #inFlight: Promise<boolean> | undefined;
  #lastAttemptAt = Number.NEGATIVE_INFINITY;
  #lastAttemptFailed = false;
  #timer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(options: CachedSigningKeysOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Loads the keys now (best effort) and re-reads them periodically. */
  start(): void {
    void this.refresh();
    // Until the first read succeeds, retry every second rather than once per refresh interval.
    this.#retryTimer = setInterval(() => {
      if (this.#loaded) clearInterval(this.#retryTimer);
      else void this.refresh();
    }, 1_000);
    this.#retryTimer.unref();
    this.#timer = setInterval(() => void this.refresh(), this.#options.refreshIntervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    clearInterval(this.#retryTimer);
  }

  get loaded(): boolean {
    return this.#loaded;
  }

  async key(kid: string): Promise<CryptoKey | undefined> {
    const known = this.#keys.get(kid);
    if (known) return known;
    // After a failed read (the token service not up yet), try again soon; after a successful one,
    // an unknown kid waits for the full cooldown, so random kids cannot hammer the bus.
    const cooldown = this.#lastAttemptFailed ? FAILED_READ_RETRY_MS : this.#options.refetchCooldownMs;
    const cooling = this.#now() - this.#lastAttemptAt < cooldown;
    if (cooling && !this.#inFlight) {
      if (this.#lastAttemptFailed) throw BearerError.unavailable();
      return undefined;
    }
    const ok = await this.refresh();
    if (!ok) throw BearerError.unavailable();
    return this.#keys.get(kid);
  }

  /** Re-reads the key set; concurrent callers share one request. Resolves false when it failed. */
  refresh(): Promise<boolean> {
    this.#inFlight ??= this.#fetch().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #fetch(): Promise<boolean> {
    this.#lastAttemptAt = this.#now();
    try {
      const keys = await importSigningKeys(await this.#options.source(), this.#options.logger);
      const removed = [...this.#keys.keys()].filter((kid) => !keys.has(kid));
      this.#keys = keys;
      this.#loaded = true;
      this.#lastAttemptFailed = false;
      if (removed.length > 0) this.#options.onKeysRemoved?.(removed);
      return true;
    } catch (error) {
      this.#lastAttemptFailed = true;
      // The token service not answering yet (start-up) is expected: say so without a stack trace.
      const { code, reason } = error as { code?: string; reason?: string };
      if (code === 'unavailable')
        this.#options.logger.warn({ code, reason }, 'could not read the token signing keys');
      else this.#options.logger.warn({ err: error }, 'could not read the token signing keys');
      return false;
    }
  }
}

import type { Bus } from '@gatehouse/bus';
import { token } from '@gatehouse/proto';

export interface JwksDocument {
  keys: Record<string, string>[];
}

/**
 * The token service's public keys as the RFC 7517 JWK Set served at /.well-known/jwks.json,
 * cached for `ttlMs` (the token service pre-publishes the next key, so a short cache never misses
 * a rotation). Concurrent misses share one bus request; when the token service is unreachable a
 * stale copy is served rather than nothing, since public keys do not become wrong by ageing.
 */
export class JwksCache {
  readonly #bus: Pick<Bus, 'request'>;
  readonly #ttlMs: number;
  readonly #timeoutMs: number;
  #cached: { document: JwksDocument; fetchedAt: number } | undefined;
  #inFlight: Promise<JwksDocument> | undefined;

  constructor(bus: Pick<Bus, 'request'>, options: { ttlMs: number; timeoutMs: number }) {
    this.#bus = bus;
    this.#ttlMs = options.ttlMs;
    this.#timeoutMs = options.timeoutMs;
  }

  async get(now = Date.now()): Promise<JwksDocument> {
    if (this.#cached && now - this.#cached.fetchedAt < this.#ttlMs) return this.#cached.document;
    this.#inFlight ??= this.#fetch().finally(() => {
      this.#inFlight = undefined;
    });
    try {
      return await this.#inFlight;
    } catch (error) {
      if (this.#cached) return this.#cached.document;
      throw error;
    }
  }

  async #fetch(): Promise<JwksDocument> {
    const jwks = await this.#bus.request(
      token.TokenService.method.getJwks,
      {},
      { timeoutMs: this.#timeoutMs },
    );
    const document = {
      keys: jwks.keys.map(({ kty, crv, x, y, kid, alg, use }) =>
        Object.fromEntries(
          Object.entries({ kty, crv, x, y, kid, alg, use }).filter(([, value]) => value !== ''),
        ),
      ),
    };
    this.#cached = { document, fetchedAt: Date.now() };
    return document;
  }
}

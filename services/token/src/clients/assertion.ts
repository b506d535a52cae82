import { CLIENT_ASSERTION_ALGORITHMS } from '@gatehouse/proto';
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { tokenError } from '../errors.ts';
import { MemoryCache } from '../memory-cache.ts';
import { cacheLifetimeSeconds, FetchRefused, type GuardedFetcher } from '../net/guarded-fetch.ts';
import type { AssertionReplayStore } from '../store/ports.ts';
import type { Client } from './client.ts';

/** The assertion type of RFC 7523 §2.2. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const CLOCK_TOLERANCE_S = 5;
const JWKS_MAX_BYTES = 32_768;
const JWKS_DEFAULT_CACHE_MS = 5 * 60_000;
const JWKS_MAX_CACHE_MS = 60 * 60_000;
/** A key id the cached JWKS does not know triggers a refetch, at most this often per jwks_uri. */
const JWKS_REFETCH_COOLDOWN_MS = 30_000;

export interface AssertionVerifierOptions {
  fetcher: GuardedFetcher;
  replays: AssertionReplayStore;
  maxAgeMs: number;
}

interface CachedJwks {
  keys: JWTVerifyGetKey;
  fetchedAt: number;
}

/**
 * private_key_jwt client authentication (RFC 7523 §3, RFC 7521 §4.2, OpenID Connect Core §9):
 * signature with one of the client's registered keys (inline `jwks`, or `jwks_uri` fetched behind the
 * SSRF guards and cached), `iss` = `sub` = client_id, `aud` naming this server, a short `exp`, and a
 * `jti` accepted once.
 */
export class ClientAssertionVerifier {
  readonly #options: AssertionVerifierOptions;
  readonly #remote = new MemoryCache<CachedJwks>(1_000);
  readonly #fetching = new Map<string, Promise<CachedJwks>>();

  constructor(options: AssertionVerifierOptions) {
    this.#options = options;
  }

  async verify(client: Client, assertion: string, audiences: readonly string[]): Promise<void> {
    let algorithm: string | undefined;
    try {
      algorithm = decodeProtectedHeader(assertion).alg;
    } catch {
      throw invalid('The client assertion is not a JWT.');
    }
    if (!algorithm || !CLIENT_ASSERTION_ALGORITHMS.includes(algorithm)) {
      throw invalid('The client assertion must be signed with an asymmetric algorithm.');
    }
    const payload = await this.#verifySignature(client, assertion, audiences);
    const now = Math.floor(Date.now() / 1000);
    const maxAge = Math.ceil(this.#options.maxAgeMs / 1000);
    if (payload.exp! - now > maxAge + CLOCK_TOLERANCE_S) {
      throw invalid(`The client assertion must expire within ${maxAge} seconds.`);
    }
    if (payload.iat !== undefined && now - payload.iat > maxAge + CLOCK_TOLERANCE_S) {
      throw invalid('The client assertion was issued too long ago.');
    }
    const jti = payload.jti;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) {
      throw invalid('The client assertion needs a jti of at most 256 characters.');
    }
    // Remembered until the assertion could no longer be accepted anyway (RFC 7523 §3 item 7).
    const ttlMs = (payload.exp! - now + CLOCK_TOLERANCE_S) * 1000;
    if (!(await this.#options.replays.remember(client.id, jti, ttlMs))) {
      throw invalid('The client assertion was already used; sign a new one with a fresh jti.');
    }
  }

  async #verifySignature(
    client: Client,
    assertion: string,
    audiences: readonly string[],
  ): Promise<JWTPayload> {
    const options = {
      issuer: client.id,
      subject: client.id,
      audience: [...audiences],
      algorithms: [...CLIENT_ASSERTION_ALGORITHMS],
      requiredClaims: ['exp', 'jti'],
      clockTolerance: CLOCK_TOLERANCE_S,
    };
    const inline = client.metadata.jwks;
    const uri = client.metadata.jwks_uri;
    try {
      if (inline) return (await jwtVerify(assertion, createLocalJWKSet(inline), options)).payload;
      if (!uri) throw invalid('The client has no registered keys.');
      const cached = await this.#jwks(uri, false);
      try {
        return (await jwtVerify(assertion, cached.keys, options)).payload;
      } catch (error) {
        // The client may have rotated its keys since we cached them.
        if (
          !(error instanceof errors.JWKSNoMatchingKey) ||
          Date.now() - cached.fetchedAt < JWKS_REFETCH_COOLDOWN_MS
        ) {
          throw error;
        }
        return (await jwtVerify(assertion, (await this.#jwks(uri, true)).keys, options)).payload;
      }
    } catch (error) {
      throw describe(error);
    }
  }

  /** The client's key set, from the cache or one fetch shared by concurrent callers. */
  async #jwks(uri: string, refresh: boolean): Promise<CachedJwks> {
    const cached = refresh ? undefined : this.#remote.get(uri);
    if (cached) return cached;
    let pending = this.#fetching.get(uri);
    if (!pending) {
      pending = this.#fetchJwks(uri).finally(() => this.#fetching.delete(uri));
      this.#fetching.set(uri, pending);
    }
    return pending;
  }

  async #fetchJwks(uri: string): Promise<CachedJwks> {
    let fetched: Awaited<ReturnType<GuardedFetcher['fetchJson']>>;
    try {
      fetched = await this.#options.fetcher.fetchJson(uri, { maxBytes: JWKS_MAX_BYTES });
    } catch (error) {
      if (error instanceof FetchRefused) {
        throw tokenError(
          'invalid_client',
          'The client jwks_uri could not be fetched.',
          `jwks ${error.refusal}: ${error.message}`,
        );
      }
      throw error;
    }
    const body = fetched.body as JSONWebKeySet;
    if (typeof body !== 'object' || body === null || !Array.isArray(body.keys)) {
      throw invalid('The client jwks_uri does not serve a JWK Set.');
    }
    const entry = { keys: createLocalJWKSet(body), fetchedAt: Date.now() };
    const seconds = cacheLifetimeSeconds(fetched.cacheControl);
    const ttl = seconds === undefined ? JWKS_DEFAULT_CACHE_MS : Math.min(JWKS_MAX_CACHE_MS, seconds * 1000);
    this.#remote.set(uri, entry, ttl);
    return entry;
  }
}

function invalid(description: string) {
  return tokenError('invalid_client', description);
}

/** A client-safe description of why jose refused the assertion (RFC 7521 §4.2.1: `invalid_client`). */
function describe(error: unknown) {
  if ((error as { name?: string }).name === 'TokenError') return error as Error;
  if (error instanceof errors.JWTExpired) return invalid('The client assertion has expired.');
  if (error instanceof errors.JWTClaimValidationFailed) {
    const claim = error.claim;
    if (claim === 'aud')
      return invalid("The client assertion audience must be this server's issuer or token endpoint.");
    if (claim === 'iss' || claim === 'sub')
      return invalid('The client assertion iss and sub must both be the client_id.');
    if (claim === 'nbf' || claim === 'iat') return invalid('The client assertion is not valid yet.');
    return invalid(`The client assertion must contain a valid ${claim} claim.`);
  }
  if (error instanceof errors.JWKSNoMatchingKey)
    return invalid('No registered key of the client matches the assertion.');
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return invalid('The client assertion signature is invalid.');
  if (error instanceof errors.JOSEAlgNotAllowed)
    return invalid('The client assertion algorithm is not allowed.');
  if (error instanceof errors.JOSEError) return invalid('The client assertion could not be verified.');
  return error as Error;
}

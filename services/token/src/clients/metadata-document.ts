import { TokenError, tokenError } from '../errors.ts';
import { cacheLifetimeSeconds, FetchRefused, type GuardedFetcher } from '../net/guarded-fetch.ts';
import { hostPort } from '../net/host-port.ts';
import type { MetadataDocumentCache } from '../store/ports.ts';
import type { Client, ClientMetadata } from './client.ts';
import { type MetadataPolicy, validateClientMetadata } from './validation.ts';

export interface MetadataDocumentOptions {
  maxBytes: number;
  minCacheMs: number;
  maxCacheMs: number;
  devHosts: ReadonlySet<string>;
}

/**
 * Whether a client_id is a Client ID Metadata Document URL (draft-ietf-oauth-client-id-metadata-
 * document §3): https, a path, no fragment, no credentials, no dot segments, and already in the
 * canonical form `URL` would give it, so two spellings never name one document. Plain http only for
 * development hosts (CIMD_ALLOWED_HOSTS).
 */
export function isMetadataDocumentUrl(clientId: string, devHosts: ReadonlySet<string>): boolean {
  if (clientId.length > 2_048) return false;
  // The canonical form starts so; most client_ids (registered ones) are not URLs at all.
  if (!clientId.startsWith('https://') && !clientId.startsWith('http://')) return false;
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && devHosts.has(hostPort(url)))) return false;
  if (url.href !== clientId || url.hash || clientId.includes('#')) return false;
  if (url.username || url.password) return false;
  if (url.pathname === '/' || url.pathname === '') return false;
  return !url.pathname.split('/').some((segment) => segment === '.' || segment === '..');
}

/**
 * How long to cache a document: its `max-age` within [min, max]; the minimum when it says nothing;
 * 0 (not at all) for `no-store` / `no-cache`.
 */
export function cacheTtlMs(cacheControl: string | undefined, minMs: number, maxMs: number): number {
  const seconds = cacheLifetimeSeconds(cacheControl);
  if (seconds === 0) return 0;
  if (seconds === undefined) return minMs;
  return Math.min(maxMs, Math.max(minMs, seconds * 1000));
}

const POLICY_BASE = {
  authMethods: ['none', 'private_key_jwt'],
  // A document cannot carry a secret, so `none` is the only sensible default.
  defaultAuthMethod: 'none',
  requireClientName: true,
  allowInlineJwks: false,
} as const satisfies Omit<MetadataPolicy, 'devHosts'>;

/**
 * Client ID Metadata Documents: fetched behind the SSRF guards of GuardedFetcher, validated, and
 * cached in Redis for as long as their Cache-Control allows, within [min, max]. Concurrent
 * requests for one document share a fetch.
 */
export class MetadataDocuments {
  readonly #fetcher: GuardedFetcher;
  readonly #cache: MetadataDocumentCache;
  readonly #options: MetadataDocumentOptions;
  readonly #inFlight = new Map<string, Promise<Client>>();

  constructor(fetcher: GuardedFetcher, cache: MetadataDocumentCache, options: MetadataDocumentOptions) {
    this.#fetcher = fetcher;
    this.#cache = cache;
    this.#options = options;
  }

  isMetadataDocumentUrl(clientId: string): boolean {
    return isMetadataDocumentUrl(clientId, this.#options.devHosts);
  }

  /** The document's client; concurrent callers share one fetch (bounded by the fetch timeout). */
  async resolve(url: string): Promise<Client> {
    const cached = await this.#cache.get(url);
    if (cached) return toClient(url, cached);
    let pending = this.#inFlight.get(url);
    if (!pending) {
      pending = this.#fetch(url).finally(() => this.#inFlight.delete(url));
      this.#inFlight.set(url, pending);
    }
    return pending;
  }

  async #fetch(url: string): Promise<Client> {
    let fetched: Awaited<ReturnType<GuardedFetcher['fetchJson']>>;
    try {
      fetched = await this.#fetcher.fetchJson(url, { maxBytes: this.#options.maxBytes });
    } catch (error) {
      if (!(error instanceof FetchRefused)) throw error;
      throw tokenError(
        'invalid_client',
        FETCH_PROBLEMS[error.refusal],
        `cimd ${error.refusal}: ${error.message}`,
      );
    }
    const metadata = this.#validate(url, fetched.body);
    const ttl = cacheTtlMs(fetched.cacheControl, this.#options.minCacheMs, this.#options.maxCacheMs);
    if (ttl > 0) await this.#cache.set(url, metadata, ttl);
    return toClient(url, metadata);
  }

  #validate(url: string, document: unknown): ClientMetadata {
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
      throw invalidDocument('it is not a JSON object');
    }
    const raw = document as Record<string, unknown>;
    if (raw.client_id !== url)
      throw invalidDocument('its client_id is not exactly the URL it was fetched from');
    if ('client_secret' in raw || 'client_secret_expires_at' in raw) {
      throw invalidDocument('it must not contain a client_secret');
    }
    try {
      return validateClientMetadata(raw, { ...POLICY_BASE, devHosts: this.#options.devHosts });
    } catch (error) {
      if (error instanceof TokenError) throw invalidDocument(error.description);
      throw error;
    }
  }
}

const FETCH_PROBLEMS: Record<FetchRefused['refusal'], string> = {
  scheme: 'The client metadata document must be served over https.',
  address: 'The client metadata document is not on a publicly reachable address.',
  dns: 'The client metadata document host does not resolve.',
  redirect: 'The client metadata document URL redirects; redirects are not followed.',
  status: 'The client metadata document could not be fetched (the server did not answer 200).',
  too_large: 'The client metadata document is larger than allowed.',
  timeout: 'The client metadata document could not be fetched in time.',
  network: 'The client metadata document could not be fetched.',
  not_json: 'The client metadata document is not valid JSON.',
};

function invalidDocument(problem: string): TokenError {
  return tokenError('invalid_client', `The client metadata document is invalid: ${problem}`);
}

function toClient(url: string, metadata: ClientMetadata): Client {
  return { id: url, kind: 'metadata_document', metadata, issuedAt: 0 };
}

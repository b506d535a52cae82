import { lookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { isPublicAddress } from './address-policy.ts';
import { hostPort } from './host-port.ts';

/** Why a fetch was refused or failed; `detail` is for the server log only. */
export type FetchRefusal =
  | 'scheme'
  | 'address'
  | 'dns'
  | 'redirect'
  | 'status'
  | 'too_large'
  | 'timeout'
  | 'network'
  | 'not_json';

export class FetchRefused extends Error {
  readonly refusal: FetchRefusal;

  constructor(refusal: FetchRefusal, detail: string) {
    super(detail);
    this.name = 'FetchRefused';
    this.refusal = refusal;
  }
}

export interface FetchedJson {
  body: unknown;
  cacheControl: string | undefined;
}

export interface GuardedFetcherOptions {
  /** `host:port` entries (CIMD_ALLOWED_HOSTS) exempt from the address checks and allowed over http. */
  devHosts: ReadonlySet<string>;
  timeoutMs: number;
}

const ADDRESS_REFUSED = Symbol('gatehouse.addressRefused');

/**
 * DNS resolution that refuses any name with a non-public address among its answers. Installed as
 * the socket's `lookup`, so the address checked is the address connected to: a DNS answer that
 * changes between a check and the connection (rebinding) cannot slip a private address in.
 */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
    if (error) return callback(error, '');
    if (addresses.length === 0) {
      return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), '');
    }
    const refused = addresses.find((entry) => !isPublicAddress(entry.address));
    if (refused) {
      const problem = new Error(`${hostname} resolves to non-public address ${refused.address}`);
      return callback(Object.assign(problem, { [ADDRESS_REFUSED]: true }), '');
    }
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

/**
 * Fetches small JSON documents from URLs that clients chose (Client ID Metadata Documents, client
 * JWKS) without letting them reach the private network: https only; every resolved address must be
 * public; no redirects; a hard deadline; and a size cap enforced while the body streams in.
 */
export class GuardedFetcher {
  readonly #options: GuardedFetcherOptions;
  readonly #publicAgent: Agent;
  readonly #devAgent: Agent;

  constructor(options: GuardedFetcherOptions) {
    this.#options = options;
    const timeouts = {
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 10_000,
      connections: 32,
    };
    this.#publicAgent = new Agent({
      ...timeouts,
      connect: { timeout: options.timeoutMs, lookup: publicOnlyLookup },
    });
    this.#devAgent = new Agent({ ...timeouts, connect: { timeout: options.timeoutMs } });
  }

  async fetchJson(target: string, limits: { maxBytes: number; signal?: AbortSignal }): Promise<FetchedJson> {
    const url = new URL(target);
    const development = this.#options.devHosts.has(hostPort(url));
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && development)) {
      throw new FetchRefused('scheme', `${url.protocol} is not https`);
    }
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    // Sockets skip `lookup` for IP literals, so those are checked here.
    if (!development && isIP(literal) !== 0 && !isPublicAddress(literal)) {
      throw new FetchRefused('address', `${literal} is not a public address`);
    }
    const signals = [AbortSignal.timeout(this.#options.timeoutMs)];
    if (limits.signal) signals.push(limits.signal);
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(url, {
        method: 'GET',
        dispatcher: development ? this.#devAgent : this.#publicAgent,
        headers: { accept: 'application/json', 'user-agent': 'Gatehouse (client metadata fetcher)' },
        signal: AbortSignal.any(signals),
      });
    } catch (error) {
      throw classify(error);
    }
    const { statusCode, headers, body } = response;
    // Destroying an undici body emits an AbortError; unobserved, it would crash the process.
    body.on('error', () => {});
    if (statusCode >= 300 && statusCode < 400) {
      body.destroy();
      throw new FetchRefused('redirect', `answered ${statusCode}; redirects are not followed`);
    }
    if (statusCode !== 200) {
      body.destroy();
      throw new FetchRefused('status', `answered ${statusCode}`);
    }
    const declared = Number(headers['content-length']);
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      body.destroy();
      throw new FetchRefused('too_large', `declares ${declared} bytes`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of body) {
        size += (chunk as Buffer).length;
        if (size > limits.maxBytes) {
          body.destroy();
          throw new FetchRefused('too_large', `exceeds ${limits.maxBytes} bytes`);
        }
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      throw classify(error);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new FetchRefused('not_json', 'the body is not JSON');
    }
    const cacheControl = headers['cache-control'];
    return {
      body: parsed,
      cacheControl: Array.isArray(cacheControl) ? cacheControl.join(', ') : cacheControl,
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.#publicAgent.close(), this.#devAgent.close()]);
  }
}

function classify(error: unknown): FetchRefused {
  if (error instanceof FetchRefused) return error;
  for (
    let cause = error as
      | { [ADDRESS_REFUSED]?: boolean; cause?: unknown; code?: string; name?: string }
      | undefined;
    cause;
    cause = cause.cause as typeof cause
  ) {
    if (cause[ADDRESS_REFUSED]) return new FetchRefused('address', String((cause as Error).message));
    if (cause.code === 'ENOTFOUND' || cause.code === 'EAI_AGAIN')
      return new FetchRefused('dns', 'does not resolve');
    if (
      cause.name === 'TimeoutError' ||
      cause.name === 'AbortError' ||
      cause.code === 'UND_ERR_CONNECT_TIMEOUT' ||
      cause.code === 'UND_ERR_HEADERS_TIMEOUT' ||
      cause.code === 'UND_ERR_BODY_TIMEOUT'
    ) {
      return new FetchRefused('timeout', 'timed out');
    }
  }
  return new FetchRefused('network', String((error as Error)?.message ?? error));
}

/** Seconds from a Cache-Control header: undefined when absent, 0 for no-store / no-cache. */
export function cacheLifetimeSeconds(cacheControl: string | undefined): number | undefined {
  if (!cacheControl) return undefined;
  const directives = cacheControl
    .toLowerCase()
    .split(',')
    .map((part) => part.trim());
  if (directives.some((d) => d === 'no-store' || d === 'no-cache')) return 0;
  const maxAge = directives.find((d) => d.startsWith('max-age='));
  if (!maxAge) return undefined;
  const seconds = Number(maxAge.slice('max-age='.length).replace(/"/g, ''));
  return Number.isFinite(seconds) && seconds >= 0 ? Math.floor(seconds) : undefined;
}

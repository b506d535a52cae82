import type { Logger } from '@gatehouse/logging';
import { githubRateLimits } from './metrics.ts';

/**
 * Thrown when the operation's deadline passes. Named AbortError because Octokit's fetch wrapper
 * passes an AbortError from fetch through as it is (anything else it wraps in a RequestError).
 */
export class DeadlineExceeded extends Error {
  constructor() {
    super('the GitHub call passed its deadline');
    this.name = 'AbortError';
  }
}

/** What the policy reads of a request: Octokit's endpoint options (url is the route template). */
export interface PolicyRequest {
  method: string;
  url: string;
}

/** The request a wrap hook is handed (Octokit types it as possibly synchronous). */
export type Send<O, R> = (options: O) => R | Promise<R>;

/** Time, waiting and randomness, replaceable in tests. */
export interface PolicyClock {
  now(): number;
  /** Resolves after `ms`, or rejects with DeadlineExceeded as soon as the signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** In [0, 1): the jitter of a 5xx backoff. */
  random(): number;
}

export const realClock: PolicyClock = { now: Date.now, sleep, random: Math.random };

export interface RequestPolicyOptions {
  /** Retries of a rate limit, a 5xx or a network failure, in all; each only if it fits before the deadline. */
  maxRetries: number;
  logger: Logger;
  /** Aborts at the operation's deadline: ends any wait with DeadlineExceeded. */
  signal: AbortSignal;
  /** Epoch ms; a retry whose wait would reach it is not made. */
  deadline: number;
  /** False for writes: a 5xx after a POST may hide a created issue, so it is never retried. */
  idempotent: boolean;
  /** The person: GitHub's limits are per person, and one person's writes go one at a time. */
  userId: string;
  /** Shared by every call of one client, so the serialization spans operations. */
  writes: WriteQueue;
  clock?: PolicyClock;
}

/** First 5xx backoff; doubled for each further retry, with jitter, never past the deadline. */
const BACKOFF_MS = 100;
/** GitHub's docs: with no Retry-After on a secondary rate limit, wait at least a minute. */
const FALLBACK_RETRY_AFTER_SECONDS = 60;

/**
 * The worker's policy for every GitHub request, installed with `octokit.hook.wrap('request', …)`:
 *
 * - Rate limits (403/429): primary (`x-ratelimit-remaining: 0`) waits until `x-ratelimit-reset`;
 *   secondary (`Retry-After`, or GitHub's "secondary rate limit" wording) waits `Retry-After`
 *   seconds, else 60. Retried, reads and writes alike (GitHub did nothing), while retries are left
 *   and the wait ends before the deadline; counted and logged either way.
 * - 5xx and network failures: retried for idempotent calls only, after 100 ms × 2ⁿ (half of it
 *   jitter) when that ends before the deadline. A write is never repeated: it may have happened.
 * - Anything else (4xx, the deadline itself) is thrown as it is, for github/errors.ts to map.
 * - One person's writes (anything but GET and HEAD) go one at a time, as GitHub's secondary-limit
 *   guidance asks.
 *
 * A read that succeeds costs one `await`: no timers, no queue, no extra event-loop turn. This
 * replaces Octokit's throttling and retry plugins, whose Bottleneck scheduling cost ≈ 5 ms a call.
 */
export function requestPolicy(options: RequestPolicyOptions) {
  const { maxRetries, logger, signal, deadline, idempotent, userId, writes } = options;
  const clock = options.clock ?? realClock;

  /** Milliseconds to wait before retrying, or undefined when the error is final. */
  const retryDelay = (error: unknown, request: PolicyRequest, retryCount: number): number | undefined => {
    if (error instanceof DeadlineExceeded || signal.aborted) return undefined;
    const failure = (error ?? {}) as Failure;
    const now = clock.now();
    const limit = rateLimitOf(failure, now);
    if (limit) {
      const retrying = retryCount < maxRetries && now + limit.retryAfterSeconds * 1000 < deadline;
      githubRateLimits.inc({ kind: limit.kind, retried: String(retrying) });
      logger.info(
        {
          route: `${request.method} ${request.url}`,
          kind: limit.kind,
          retryAfterSeconds: limit.retryAfterSeconds,
          retryCount,
          retrying,
        },
        'GitHub rate limit',
      );
      return retrying ? limit.retryAfterSeconds * 1000 : undefined;
    }
    const status = typeof failure.status === 'number' ? failure.status : undefined;
    // Octokit reports a network failure as status 500 without a response; no status at all is also one.
    if (!idempotent || (status !== undefined && status < 500) || retryCount >= maxRetries) return undefined;
    const backoff = BACKOFF_MS * 2 ** retryCount;
    const delay = Math.round(backoff / 2 + (clock.random() * backoff) / 2);
    return now + delay < deadline ? delay : undefined;
  };

  const attempt = async <R>(request: Send<PolicyRequest, R>, endpoint: PolicyRequest): Promise<R> => {
    for (let retryCount = 0; ; retryCount++) {
      try {
        return await request(endpoint);
      } catch (error) {
        const delay = retryDelay(error, endpoint, retryCount);
        if (delay === undefined) throw error;
        await clock.sleep(delay, signal);
      }
    }
  };

  return <O extends PolicyRequest, R>(request: Send<O, R>, endpoint: O): Promise<R> => {
    const send = request as Send<PolicyRequest, R>;
    if (endpoint.method === 'GET' || endpoint.method === 'HEAD') return attempt(send, endpoint);
    return writes.run(userId, signal, () => attempt(send, endpoint));
  };
}

/** The parts of Octokit's RequestError the policy reads. */
interface Failure {
  status?: unknown;
  message?: unknown;
  response?: { headers?: Record<string, string | undefined> };
}

interface RateLimit {
  kind: 'primary' | 'secondary';
  retryAfterSeconds: number;
}

/**
 * A rate limit as GitHub signals it, with how long to wait.
 * https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
 */
export function rateLimitOf(failure: Failure, now: number): RateLimit | undefined {
  if (failure.status !== 403 && failure.status !== 429) return undefined;
  const headers = failure.response?.headers ?? {};
  const retryAfter = retryAfterHeader(headers['retry-after'], now);
  const secondaryWording = typeof failure.message === 'string' && /\bsecondary rate\b/i.test(failure.message);
  if (headers['x-ratelimit-remaining'] === '0' && !secondaryWording) {
    // One second past the reset, so the retry lands after it (as Octokit's throttling plugin did).
    const reset = Number(headers['x-ratelimit-reset']);
    const untilReset =
      Number.isFinite(reset) && reset > 0
        ? Math.max(0, Math.ceil((reset * 1000 - now) / 1000) + 1)
        : undefined;
    return { kind: 'primary', retryAfterSeconds: retryAfter ?? untilReset ?? FALLBACK_RETRY_AFTER_SECONDS };
  }
  if (headers['retry-after'] !== undefined || secondaryWording) {
    return { kind: 'secondary', retryAfterSeconds: retryAfter ?? FALLBACK_RETRY_AFTER_SECONDS };
  }
  return undefined;
}

/** Retry-After in seconds: delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined if absent or unreadable. */
function retryAfterHeader(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, Math.ceil((date - now) / 1000)) : undefined;
}

/**
 * One person's writes, one at a time: each waits for the one before it (abortably, by its own
 * deadline) and holds its place until it settles, retries included. A person's entry is removed
 * once their last queued write has settled, so the map holds only people with writes in flight.
 */
export class WriteQueue {
  readonly #tails = new Map<string, Promise<void>>();

  /** People with a write in flight or queued. */
  get size(): number {
    return this.#tails.size;
  }

  async run<T>(key: string, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key);
    let release = () => {};
    const settled = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The next write starts only when this one and every earlier one have settled, even if this
    // one gave up waiting at its deadline.
    const tail = previous ? previous.then(() => settled) : settled;
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    try {
      if (previous) await raceDeadline(previous, signal);
      return await work();
    } finally {
      release();
    }
  }
}

/** Resolves after `ms`, or rejects with DeadlineExceeded when the signal aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new DeadlineExceeded());
  return new Promise((resolve, reject) => {
    const abort = () => {
      clearTimeout(timer);
      reject(new DeadlineExceeded());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    }, ms);
    signal.addEventListener('abort', abort, { once: true });
  });
}

/**
 * Settles with `work`, or rejects with DeadlineExceeded when the signal aborts first: nothing the
 * worker waits on may hold the caller past the deadline.
 */
export function raceDeadline<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new DeadlineExceeded());
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(new DeadlineExceeded());
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

import type { Logger } from '@gatehouse/logging';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { speedUpBottleneck } from './bottleneck-handoffs.ts';
import { githubRateLimits, githubRequestDuration } from './metrics.ts';
import { readJsonNatively, UNREAD_SUCCESS_BODIES } from './native-json.ts';
import { undiciFetch } from './undici-fetch.ts';

speedUpBottleneck();
const WorkerOctokit = Octokit.plugin(throttling, retry);

/** An Octokit authenticated as one person, bound to one operation's deadline. */
export type GitHub = InstanceType<typeof WorkerOctokit>;

/** Pinned so a new GitHub REST version cannot change response shapes under us. */
const API_VERSION = '2022-11-28';

export interface GitHubClientOptions {
  /** GITHUB_API_URL, without a trailing slash. */
  baseUrl: string;
  /** Retries of a rate limit or a 5xx, each only if it fits before the deadline. */
  maxRetries: number;
  logger: Logger;
}

export interface GitHubCallOptions {
  token: string;
  /** GitHub's limits are per person, so the throttling plugin paces each person on their own. */
  userId: string;
  /** Aborts at the operation's deadline. */
  signal: AbortSignal;
  /** Epoch ms; a retry that would wait past it is not made. */
  deadline: number;
  /** False for writes: a 5xx after a POST may hide a created issue, so it is never retried. */
  idempotent: boolean;
}

export interface GitHubCall {
  octokit: GitHub;
  /** X-GitHub-Request-Id of the latest response, for the audit trail. */
  requestId(): string;
}

/** Thrown when the operation's deadline passes; named AbortError so neither plugin retries it. */
export class DeadlineExceeded extends Error {
  constructor() {
    super('the GitHub call passed its deadline');
    this.name = 'AbortError';
  }
}

/**
 * Builds the Octokit for one operation: the person's token, the deadline's signal on every fetch,
 * and retries that respect the deadline. Rate limits (primary and secondary) are retried after
 * GitHub's Retry-After by the throttling plugin; 5xx and network failures of idempotent calls by
 * the retry plugin. Everything else is the caller's to map (github/errors.ts).
 */
export class GitHubClient {
  readonly #options: GitHubClientOptions;

  constructor(options: GitHubClientOptions) {
    this.#options = options;
  }

  call(options: GitHubCallOptions): GitHubCall {
    const { baseUrl, maxRetries, logger } = this.#options;
    // A rate limit is retried only while retries are left and the wait fits before the deadline.
    const retryWithinDeadline =
      (kind: 'primary' | 'secondary') =>
      (
        retryAfterSeconds: number,
        request: { method: string; url: string },
        _octokit: unknown,
        retryCount: number,
      ) => {
        const again = retryCount < maxRetries && Date.now() + retryAfterSeconds * 1000 < options.deadline;
        githubRateLimits.inc({ kind, retried: String(again) });
        logger.info(
          { route: `${request.method} ${request.url}`, kind, retryAfterSeconds, retryCount, retrying: again },
          'GitHub rate limit',
        );
        return again;
      };
    const octokit = new WorkerOctokit({
      auth: options.token,
      baseUrl,
      userAgent: 'gatehouse-github-worker',
      request: {
        ...UNREAD_SUCCESS_BODIES,
        fetch: fetchUntil(options.signal),
        // Read by the retry plugin per request: a write is never repeated after a 5xx.
        ...(options.idempotent ? {} : { retries: 0 }),
      },
      throttle: {
        id: options.userId,
        onRateLimit: retryWithinDeadline('primary'),
        onSecondaryRateLimit: retryWithinDeadline('secondary'),
      },
      // The retry plugin's defaults, plus 429: rate limits are the throttling plugin's to retry
      // (after Retry-After), or the two would each retry them.
      retry: { retries: maxRetries, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
      // Octokit's debug output includes request headers (the token): never wired to the log.
      log: {
        debug: () => {},
        info: () => {},
        warn: (message: unknown) => logger.warn({ detail: String(message) }, 'octokit warning'),
        error: (message: unknown) => logger.warn({ detail: String(message) }, 'octokit error'),
      },
    });
    readJsonNatively(octokit.hook);
    let requestId = '';
    octokit.hook.before('request', (request) => {
      request.headers['x-github-api-version'] = API_VERSION;
    });
    octokit.hook.after('request', (response) => {
      requestId = response.headers['x-github-request-id'] ?? requestId;
    });
    // Registered last, so outermost: one observation per call, retries included.
    octokit.hook.wrap('request', async (request, endpoint) => {
      const stop = githubRequestDuration.startTimer({ route: `${endpoint.method} ${endpoint.url}` });
      try {
        const response = await request(endpoint);
        stop({ status: String(response.status) });
        return response;
      } catch (error) {
        const status = error instanceof DeadlineExceeded ? 'timeout' : (error as { status?: unknown }).status;
        stop({ status: String(status ?? 'error') });
        throw error;
      }
    });
    return { octokit, requestId: () => requestId };
  }
}

/** fetch bound to the deadline: once it passes, the call fails with DeadlineExceeded, never retried. */
function fetchUntil(signal: AbortSignal): typeof undiciFetch {
  return async (input, init) => {
    if (signal.aborted) throw new DeadlineExceeded();
    try {
      return await undiciFetch(input, { ...init, signal });
    } catch (error) {
      if (signal.aborted) throw new DeadlineExceeded();
      throw error;
    }
  };
}

/**
 * Settles with `work`, or rejects with DeadlineExceeded when the signal aborts first: a retry
 * plugin sleeping on its backoff must not hold the caller past the deadline.
 */
export function raceDeadline<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new DeadlineExceeded());
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(new DeadlineExceeded());
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

import type { Logger } from '@gatehouse/logging';
import { Octokit } from '@octokit/rest';
import { githubRequestDuration } from './metrics.ts';
import { DeadlineExceeded, requestPolicy, WriteQueue } from './request-policy.ts';

export { DeadlineExceeded, raceDeadline } from './request-policy.ts';

/** An Octokit authenticated as one person, bound to one operation's deadline. */
export type GitHub = Octokit;

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
  /** GitHub's limits are per person: one person's writes go one at a time (request-policy.ts). */
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

/**
 * Builds the Octokit for one operation: the person's token, the deadline's signal on every fetch,
 * and request-policy.ts around every request: rate limits (primary and secondary) retried after
 * GitHub's Retry-After or reset, 5xx and network failures of idempotent calls retried after a short
 * backoff, each only if it fits before the deadline, and one person's writes one at a time.
 * Everything else is the caller's to map (github/errors.ts).
 */
export class GitHubClient {
  readonly #options: GitHubClientOptions;
  /** One per client, so a person's writes are serialized across their operations. */
  readonly #writes = new WriteQueue();

  constructor(options: GitHubClientOptions) {
    this.#options = options;
  }

  call(options: GitHubCallOptions): GitHubCall {
    const { baseUrl, maxRetries, logger } = this.#options;
    const octokit = new Octokit({
      auth: options.token,
      baseUrl,
      userAgent: 'gatehouse-github-worker',
      request: { fetch: fetchUntil(options.signal) },
      // Octokit's debug output includes request headers (the token): never wired to the log.
      log: {
        debug: () => {},
        info: () => {},
        warn: (message: unknown) => logger.warn({ detail: String(message) }, 'octokit warning'),
        error: (message: unknown) => logger.warn({ detail: String(message) }, 'octokit error'),
      },
    });
    let requestId = '';
    // Hooks registered later wrap those registered earlier: these two run on every attempt.
    octokit.hook.before('request', (request) => {
      request.headers['x-github-api-version'] = API_VERSION;
    });
    octokit.hook.after('request', (response) => {
      requestId = response.headers['x-github-request-id'] ?? requestId;
    });
    octokit.hook.wrap(
      'request',
      requestPolicy({
        maxRetries,
        logger,
        signal: options.signal,
        deadline: options.deadline,
        idempotent: options.idempotent,
        userId: options.userId,
        writes: this.#writes,
      }),
    );
    // Registered last, so outermost: one observation per call, retries and waits included.
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
function fetchUntil(signal: AbortSignal): typeof fetch {
  return async (input, init) => {
    if (signal.aborted) throw new DeadlineExceeded();
    try {
      return await fetch(input, { ...init, signal });
    } catch (error) {
      if (signal.aborted) throw new DeadlineExceeded();
      throw error;
    }
  };
}

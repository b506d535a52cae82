import type { Request, RequestHandler, Response } from 'express';
import type { EmulatorState } from '../emulator-state.ts';
import type { RateLimitConfig, SecondaryRateLimitConfig } from '../options.ts';
import { viewerOf } from './auth.ts';
import { ApiError } from './errors.ts';

const RATE_LIMIT_DOCS = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';
const SECONDARY_DOCS = `${RATE_LIMIT_DOCS}#about-secondary-rate-limits`;

/** GitHub's fixed limits for unauthenticated callers, counted per IP address. */
const ANONYMOUS_LIMITS: Record<RateLimitResource, RateLimitConfig> = {
  core: { limit: 60, windowSeconds: 3600 },
  search: { limit: 10, windowSeconds: 60 },
};

export type RateLimitResource = 'core' | 'search';

export interface Quota {
  limit: number;
  used: number;
  /** Epoch milliseconds. */
  resetAt: number;
}

/**
 * Request counters. The primary limit is a fixed window that starts with the first request, as
 * GitHub's hourly quota does; the secondary limit is a sliding window of recent requests.
 */
export class RateLimiter {
  #windows = new Map<string, Quota>();
  #recent = new Map<string, number[]>();

  /** Counts a request unless the quota is spent; `charged` says which happened. */
  charge(key: string, config: RateLimitConfig, now = Date.now()): Quota & { charged: boolean } {
    let quota = this.#windows.get(key);
    if (!quota || quota.resetAt <= now) {
      quota = { limit: config.limit, used: 0, resetAt: now + config.windowSeconds * 1000 };
      this.#windows.set(key, quota);
    }
    quota.limit = config.limit;
    const charged = quota.used < quota.limit;
    if (charged) quota.used++;
    return { ...quota, charged };
  }

  /** Takes back a charge: GitHub does not count a 304 Not Modified against the quota. */
  refund(key: string): Quota | undefined {
    const quota = this.#windows.get(key);
    if (quota && quota.used > 0) quota.used--;
    return quota && { ...quota };
  }

  /** Seconds the caller must wait when over the secondary limit; null when the request may proceed. */
  throttle(key: string, config: SecondaryRateLimitConfig, now = Date.now()): number | null {
    const windowMs = config.windowSeconds * 1000;
    const recent = (this.#recent.get(key) ?? []).filter((at) => at > now - windowMs);
    this.#recent.set(key, recent);
    if (recent.length >= config.maxRequests) {
      return config.retryAfterSeconds ?? Math.max(1, Math.ceil((recent[0]! + windowMs - now) / 1000));
    }
    recent.push(now);
    return null;
  }

  clear(): void {
    this.#windows.clear();
    this.#recent.clear();
  }

  snapshot(): Record<string, Quota> {
    return Object.fromEntries(this.#windows);
  }
}

const REFUND = 'githubEmulatorRateLimitRefund';

/**
 * Applies the primary and secondary limits and sets GitHub's `X-RateLimit-*` headers. The search API
 * has its own, smaller quota, as on GitHub.
 */
export function rateLimits(state: EmulatorState): RequestHandler {
  return (req, res, next) => {
    const viewer = viewerOf(res);
    const resource: RateLimitResource = req.path.startsWith('/search/') ? 'search' : 'core';
    const subject = viewer ? `user:${viewer.user.id}` : `ip:${req.ip}`;
    const key = `${resource}:${subject}`;
    const config = viewer ? limitFor(resource, state) : ANONYMOUS_LIMITS[resource];
    const quota = state.rateLimits.charge(key, config);
    setRateLimitHeaders(res, quota, resource);
    if (!quota.charged) {
      const who = viewer ? `user ID ${viewer.user.id}` : req.ip;
      return next(
        new ApiError(403, `API rate limit exceeded for ${who}.`, { documentationUrl: RATE_LIMIT_DOCS }),
      );
    }
    res.locals[REFUND] = () => {
      const refunded = state.rateLimits.refund(key);
      if (refunded) setRateLimitHeaders(res, refunded, resource);
    };
    const secondary = state.config.secondaryRateLimit;
    const retryAfter = secondary && viewer ? state.rateLimits.throttle(subject, secondary) : null;
    if (secondary && retryAfter !== null)
      return next(secondaryLimitError(res, secondary.status ?? 429, retryAfter));
    next();
  };
}

/** Returns the request's charge to its quota; used when answering 304 Not Modified. */
export function refundRateLimit(res: Response): void {
  (res.locals[REFUND] as (() => void) | undefined)?.();
}

/** GitHub's wording; Octokit's throttling plugin recognises a secondary limit by "secondary rate". */
export function secondaryLimitError(res: Response, status: number, retryAfterSeconds: number): ApiError {
  const requestId = res.get('X-GitHub-Request-Id') ?? '';
  return new ApiError(
    status,
    'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
      `If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
    { documentationUrl: SECONDARY_DOCS, headers: { 'Retry-After': String(retryAfterSeconds) } },
  );
}

export function rateLimitStatus(state: EmulatorState, req: Request, res: Response) {
  const viewer = viewerOf(res);
  const subject = viewer ? `user:${viewer.user.id}` : `ip:${req.ip}`;
  const snapshot = state.rateLimits.snapshot();
  const now = Date.now();
  const status = (resource: RateLimitResource) => {
    const config = viewer ? limitFor(resource, state) : ANONYMOUS_LIMITS[resource];
    const quota = snapshot[`${resource}:${subject}`];
    const current = quota && quota.resetAt > now ? quota : undefined;
    const used = current?.used ?? 0;
    return {
      limit: config.limit,
      used,
      remaining: Math.max(0, config.limit - used),
      reset: Math.ceil((current?.resetAt ?? now + config.windowSeconds * 1000) / 1000),
    };
  };
  return { core: status('core'), search: status('search') };
}

function limitFor(resource: RateLimitResource, state: EmulatorState): RateLimitConfig {
  return resource === 'search' ? state.config.searchRateLimit : state.config.rateLimit;
}

function setRateLimitHeaders(res: Response, quota: Quota, resource: RateLimitResource): void {
  res.set({
    'X-RateLimit-Limit': String(quota.limit),
    'X-RateLimit-Remaining': String(Math.max(0, quota.limit - quota.used)),
    'X-RateLimit-Used': String(quota.used),
    'X-RateLimit-Reset': String(Math.ceil(quota.resetAt / 1000)),
    'X-RateLimit-Resource': resource,
  });
}

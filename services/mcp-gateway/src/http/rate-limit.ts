import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { busError, type EventPublisher } from '@gatehouse/bus';
import type { Logger } from '@gatehouse/logging';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitSetting } from '../oauth/config.ts';
import type { RequestOrigin } from './client-ip.ts';

export interface RateLimiterDeps {
  redis: Redis;
  events: Pick<EventPublisher, 'emit'>;
  logger: Logger;
}

/** Who is being counted: an address, or a client id (with the address it came from, for the audit). */
export interface RateLimitSubject {
  key: string;
  origin: RequestOrigin;
  clientId?: string;
}

/**
 * A fixed-window counter in Redis (`rl:<name>:<key>`, expiring with its window), shared by every
 * gateway replica. If Redis is unreachable an in-process counter with the same limit takes over,
 * so an outage neither opens the gate wide nor turns every request away.
 */
export class RateLimiter {
  readonly name: string;
  readonly #setting: RateLimitSetting | null;
  readonly #limiter: RateLimiterRedis | undefined;
  readonly #events: RateLimiterDeps['events'];

  constructor(name: string, setting: RateLimitSetting | null, deps: RateLimiterDeps) {
    this.name = name;
    this.#setting = setting;
    this.#events = deps.events;
    if (!setting) return;
    const options = { points: setting.points, duration: setting.windowSeconds, keyPrefix: `rl:${name}` };
    this.#limiter = new RateLimiterRedis({
      ...options,
      storeClient: deps.redis,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(options),
    });
  }

  /** Counts one request; throws `rate_limited` (429, Retry-After) once the window's budget is spent. */
  async consume(subject: RateLimitSubject): Promise<void> {
    if (!this.#limiter || !this.#setting) return;
    try {
      await this.#limiter.consume(limiterKey(subject.key));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      // Only the first refused request of a window is reported, so a flood costs one event per
      // key and window, on whichever replica saw it (the counter is shared).
      if (rejection.consumedPoints === this.#setting.points + 1) this.#report(subject);
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw busError('rate_limited', `Too many requests; retry after ${retryAfterSeconds} seconds.`, {
        retryAfterSeconds,
        reason: `rate limit ${this.name}`,
      });
    }
  }

  #report(subject: RateLimitSubject): void {
    this.#events.emit({
      type: 'gateway.rate_limit.exceeded',
      outcome: 'denied',
      reason: 'rate_limited',
      ip: subject.origin.ip,
      userAgent: subject.origin.userAgent,
      clientId: subject.clientId,
      details: {
        limit: this.name,
        requests: this.#setting?.points,
        window_seconds: this.#setting?.windowSeconds,
      },
    });
  }
}

/** Keys are hashed: client ids are attacker-chosen strings of any length. */
function limiterKey(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 22);
}

/**
 * The rate-limit key for an address: itself for IPv4, its /64 for IPv6, the block one subscriber
 * typically holds, so rotating addresses within it gains nothing.
 */
export function addressKey(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const groups = expandIPv6(ip);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : ip;
}

function expandIPv6(ip: string): string[] | undefined {
  const [head = '', tail] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  if (right.some((group) => group.includes('.')) || left.some((group) => group.includes('.')))
    return undefined;
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? left.length !== 8 : missing < 1) return undefined;
  return [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right].map((group) =>
    group.toLowerCase().padStart(4, '0'),
  );
}

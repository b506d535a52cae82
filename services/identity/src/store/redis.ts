import type { Redis } from 'ioredis';
import type { PendingRequest } from '../authorization/pending-request.ts';
import { digest } from '../secrets.ts';
import {
  type PendingRequestStore,
  type SessionRecord,
  type SessionStore,
  type UpstreamState,
  type UpstreamStateStore,
  upstreamStateSchema,
} from './ports.ts';

// Short-lived browser-flow state in Redis (STORAGE.md). Every key is `identity:<kind>:` + the
// SHA-256 of the id the browser or GitHub holds, so reading Redis yields no usable id. The client's
// REDIS_KEY_PREFIX comes in front of all of them.

/** JSON values under digested keys, with the few operations the ports need. */
class DigestKeyed<T> {
  readonly #redis: Redis;
  readonly #kind: string;

  constructor(redis: Redis, kind: string) {
    this.#redis = redis;
    this.#kind = kind;
  }

  key(id: string): string {
    return `identity:${this.#kind}:${digest(id)}`;
  }

  async set(id: string, value: T, ttlMs: number): Promise<void> {
    await this.#redis.set(this.key(id), JSON.stringify(value), 'PX', Math.max(1, Math.floor(ttlMs)));
  }

  async get(id: string): Promise<T | null> {
    return parse<T>(await this.#redis.get(this.key(id)));
  }

  /** Overwrites an existing key and keeps its expiry; false when it no longer exists. */
  async replace(id: string, value: T): Promise<boolean> {
    return (await this.#redis.set(this.key(id), JSON.stringify(value), 'KEEPTTL', 'XX')) === 'OK';
  }

  /** GETDEL: of concurrent callers, exactly one gets the value. */
  async take(id: string): Promise<T | null> {
    return parse<T>(await this.#redis.getdel(this.key(id)));
  }

  async delete(id: string): Promise<void> {
    await this.#redis.del(this.key(id));
  }
}

function parse<T>(raw: string | null): T | null {
  return raw === null ? null : (JSON.parse(raw) as T);
}

export class RedisPendingRequests implements PendingRequestStore {
  readonly #values: DigestKeyed<PendingRequest>;

  constructor(redis: Redis) {
    this.#values = new DigestKeyed(redis, 'pending');
  }

  create(id: string, request: PendingRequest, ttlMs: number) {
    return this.#values.set(id, request, ttlMs);
  }

  find(id: string) {
    return this.#values.get(id);
  }

  update(id: string, request: PendingRequest) {
    return this.#values.replace(id, request);
  }

  take(id: string) {
    return this.#values.take(id);
  }

  delete(id: string) {
    return this.#values.delete(id);
  }
}

export class RedisUpstreamStates implements UpstreamStateStore {
  readonly #values: DigestKeyed<UpstreamState>;

  constructor(redis: Redis) {
    this.#values = new DigestKeyed(redis, 'upstream-state');
  }

  create(state: string, value: UpstreamState, ttlMs: number) {
    return this.#values.set(state, value, ttlMs);
  }

  async take(state: string) {
    const parsed = upstreamStateSchema.safeParse(await this.#values.take(state));
    return parsed.success ? parsed.data : null;
  }
}

export class RedisSessions implements SessionStore {
  readonly #values: DigestKeyed<SessionRecord>;

  constructor(redis: Redis) {
    this.#values = new DigestKeyed(redis, 'session');
  }

  create(sessionId: string, session: SessionRecord, ttlMs: number) {
    return this.#values.set(sessionId, session, ttlMs);
  }

  find(sessionId: string) {
    return this.#values.get(sessionId);
  }

  delete(sessionId: string) {
    return this.#values.take(sessionId);
  }
}

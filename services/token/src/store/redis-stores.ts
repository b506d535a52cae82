import type { Redis } from 'ioredis';
import type { ClientMetadata } from '../clients/client.ts';
import { sha256 } from '../tokens/opaque.ts';
import type {
  AssertionReplayStore,
  CodeRecord,
  CodeStore,
  CodeTake,
  MetadataDocumentCache,
  SuccessorStore,
} from './ports.ts';

/** How long a taken code's "used" marker stays, so a replay within it revokes the grant. */
export const CODE_USED_MARKER_TTL_MS = 10 * 60_000;

// GET and DEL in one step, so of any number of concurrent redemptions exactly one gets the code;
// the others find the marker. KEYS: code, marker. ARGV: marker TTL (ms).
const TAKE_CODE = `
local record = redis.call('GET', KEYS[1])
if record then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], 'pending', 'PX', ARGV[1])
  return {'taken', record}
end
local marker = redis.call('GET', KEYS[2])
if not marker then return {'unknown', ''} end
if marker == 'pending' then redis.call('SET', KEYS[2], 'replayed', 'KEEPTTL') end
return {'used', marker}`;

// Records the grant on the marker and returns what was there: 'replayed' means a replay arrived
// before the grant existed, so the redeemer must revoke it. KEYS: marker. ARGV: value.
const SET_MARKER = `
local previous = redis.call('GET', KEYS[1])
if previous then redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL') end
return previous`;

type ScriptRedis = Redis & {
  gatehouseTakeCode(code: string, marker: string, ttlMs: number): Promise<[string, string]>;
  gatehouseSetCodeMarker(marker: string, value: string): Promise<string | null>;
};

function withScripts(redis: Redis): ScriptRedis {
  const scripted = redis as ScriptRedis;
  if (typeof scripted.gatehouseTakeCode !== 'function') {
    redis.defineCommand('gatehouseTakeCode', { numberOfKeys: 2, lua: TAKE_CODE });
    redis.defineCommand('gatehouseSetCodeMarker', { numberOfKeys: 1, lua: SET_MARKER });
  }
  return scripted;
}

/** Authorization codes under `code:<sha256(code)>`; the code itself is never a key or a value. */
export class RedisCodeStore implements CodeStore {
  readonly #redis: ScriptRedis;

  constructor(redis: Redis) {
    this.#redis = withScripts(redis);
  }

  async save(codeHash: string, record: CodeRecord, ttlMs: number): Promise<void> {
    await this.#redis.set(`code:${codeHash}`, JSON.stringify(record), 'PX', ttlMs);
  }

  async take(codeHash: string): Promise<CodeTake> {
    const [status, value] = await this.#redis.gatehouseTakeCode(
      `code:${codeHash}`,
      `code-used:${codeHash}`,
      CODE_USED_MARKER_TTL_MS,
    );
    if (status === 'taken') return { status, record: JSON.parse(value) as CodeRecord };
    if (status === 'used') return { status, marker: value };
    return { status: 'unknown' };
  }

  async markRedeemed(codeHash: string, grantId: string): Promise<string | undefined> {
    return (await this.#redis.gatehouseSetCodeMarker(`code-used:${codeHash}`, grantId)) ?? undefined;
  }

  async markFailed(codeHash: string): Promise<void> {
    await this.#redis.gatehouseSetCodeMarker(`code-used:${codeHash}`, 'failed');
  }
}

/** Sealed rotation responses under `refresh-successor:<sha256(presented token)>`, for the grace window. */
export class RedisSuccessorStore implements SuccessorStore {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async save(presentedHash: string, sealed: string, ttlMs: number): Promise<void> {
    await this.#redis.set(`refresh-successor:${presentedHash}`, sealed, 'PX', ttlMs);
  }

  async load(presentedHash: string): Promise<string | undefined> {
    return (await this.#redis.get(`refresh-successor:${presentedHash}`)) ?? undefined;
  }
}

/** private_key_jwt assertion ids under `assertion-jti:<sha256(client id, jti)>` until the assertion expires. */
export class RedisAssertionReplayStore implements AssertionReplayStore {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async remember(clientId: string, jti: string, ttlMs: number): Promise<boolean> {
    const key = `assertion-jti:${sha256(`${clientId}\n${jti}`)}`;
    return (await this.#redis.set(key, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK';
  }
}

/** Validated Client ID Metadata Documents under `cimd:<sha256(url)>`, for the TTL their Cache-Control allows. */
export class RedisMetadataDocumentCache implements MetadataDocumentCache {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async get(url: string): Promise<ClientMetadata | undefined> {
    const value = await this.#redis.get(`cimd:${sha256(url)}`);
    return value ? (JSON.parse(value) as ClientMetadata) : undefined;
  }

  async set(url: string, metadata: ClientMetadata, ttlMs: number): Promise<void> {
    await this.#redis.set(`cimd:${sha256(url)}`, JSON.stringify(metadata), 'PX', ttlMs);
  }
}

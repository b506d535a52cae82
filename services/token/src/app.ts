import type { Redis } from 'ioredis';
import { ClientAssertionVerifier } from './clients/assertion.ts';
import type { AuthenticationDeps } from './clients/authentication.ts';
import { ClientDirectory } from './clients/directory.ts';
import { MetadataDocuments } from './clients/metadata-document.ts';
import { preconfiguredClients } from './clients/preconfigured.ts';
import type { RegistrationDeps } from './clients/registration.ts';
import type { CodeIssueDeps } from './codes/issue.ts';
import type { Config } from './config.ts';
import type { EventSink } from './events.ts';
import type { GrantDeps } from './grants/grant-type.ts';
import type { GuardedFetcher } from './net/guarded-fetch.ts';
import { type Settings, settingsFrom } from './settings.ts';
import { PrismaClientStore } from './store/client-store.ts';
import { SqlGrantStore } from './store/grant-store.ts';
import { PrismaKeyStore } from './store/key-store.ts';
import type { KeyStore } from './store/ports.ts';
import type { Database } from './store/prisma.ts';
import {
  RedisAssertionReplayStore,
  RedisCodeStore,
  RedisMetadataDocumentCache,
  RedisSuccessorStore,
} from './store/redis-stores.ts';
import { keyEncryptionKeys } from './tokens/key-encryption.ts';
import { KeyRing } from './tokens/keys.ts';

/** Everything the domain functions depend on: ports, settings and the key ring. */
export interface TokenDeps extends GrantDeps, AuthenticationDeps, RegistrationDeps, CodeIssueDeps {
  keyStore: KeyStore;
  settings: Settings;
}

/** How often every replica reloads the signing keys (a rotation elsewhere is seen this late). */
export const KEY_RELOAD_INTERVAL_MS = 30_000;
/** Clock skew tolerated between this service and the gateways verifying its tokens. */
const CLOCK_SKEW_MS = 60_000;

/**
 * Wires the stores, caches and key ring to the connections `start` opened. No I/O happens here; the
 * key ring is loaded by the caller.
 */
export function createDeps(
  config: Config,
  io: {
    database: Database;
    redis: Redis;
    events: EventSink;
    fetcher: GuardedFetcher;
    warn: TokenDeps['warn'];
  },
): TokenDeps {
  const settings = settingsFrom(config);
  const clients = new PrismaClientStore(io.database.prisma);
  const keyStore = new PrismaKeyStore(io.database.prisma);
  const documents = new MetadataDocuments(io.fetcher, new RedisMetadataDocumentCache(io.redis), {
    maxBytes: config.CIMD_MAX_BYTES,
    minCacheMs: config.CIMD_CACHE_MIN_TTL,
    maxCacheMs: config.CIMD_CACHE_MAX_TTL,
    devHosts: settings.devHosts,
  });
  return {
    settings,
    clients,
    keyStore,
    directory: new ClientDirectory(
      preconfiguredClients(config.PRECONFIGURED_CLIENTS, settings.devHosts),
      clients,
      documents,
    ),
    assertions: new ClientAssertionVerifier({
      fetcher: io.fetcher,
      replays: new RedisAssertionReplayStore(io.redis),
      maxAgeMs: config.CLIENT_ASSERTION_MAX_AGE,
    }),
    grants: new SqlGrantStore(io.database.pool),
    codes: new RedisCodeStore(io.redis),
    successors: new RedisSuccessorStore(io.redis),
    keys: new KeyRing(keyStore, keyEncryptionKeys(config.TOKEN_KEY_ENCRYPTION_KEYS), {
      rotationIntervalMs: config.KEY_ROTATION_INTERVAL,
      retiredPublishMs: config.ACCESS_TOKEN_TTL + KEY_RELOAD_INTERVAL_MS + CLOCK_SKEW_MS,
    }),
    events: io.events,
    warn: io.warn,
  };
}

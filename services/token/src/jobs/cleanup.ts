import type { ClientStore, GrantStore, KeyStore } from '../store/ports.ts';

export interface CleanupDeps {
  grants: GrantStore;
  clients: ClientStore;
  keyStore: KeyStore;
  accessTokenTtlMs: number;
  unusedClientTtlMs: number;
}

export interface CleanupReport {
  refreshTokens: number;
  grants: number;
  clients: number;
  signingKeys: number;
}

/**
 * Deletes what can no longer matter: expired refresh tokens; grants revoked or expired more than
 * one access-token lifetime ago (their last access tokens have expired by then); dynamically
 * registered clients unused for DCR_CLIENT_UNUSED_TTL with no live grant; retired signing keys past
 * their publication window. Every statement is idempotent, so replicas may run it concurrently.
 */
export async function cleanup(deps: CleanupDeps): Promise<CleanupReport> {
  const { refreshTokens, grants } = await deps.grants.deleteExpired(deps.accessTokenTtlMs);
  const clients = await deps.clients.deleteUnused(deps.unusedClientTtlMs);
  const signingKeys = await deps.keyStore.deleteRetired();
  return { refreshTokens, grants, clients, signingKeys };
}

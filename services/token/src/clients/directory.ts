import { MemoryCache } from '../memory-cache.ts';
import type { ClientStore } from '../store/ports.ts';
import type { Client } from './client.ts';
import type { MetadataDocuments } from './metadata-document.ts';

/**
 * A registered client read from Postgres is reused for this long in each replica: a refresh then
 * costs one statement, not two. Another replica sees an RFC 7592 update or delete at most this late;
 * deletion also revokes the client's grants at once, so a stale entry cannot mint tokens from them.
 */
const REGISTERED_CACHE_MS = 5_000;

/**
 * Finds a client by id, in the order the MCP specification gives (2025-11-25 "Client Registration
 * Approaches"): pre-configured, then a Client ID Metadata Document (an https URL), then a
 * dynamically registered client.
 */
export class ClientDirectory {
  readonly #preconfigured: ReadonlyMap<string, Client>;
  readonly #store: ClientStore;
  readonly #documents: MetadataDocuments;
  readonly #registered = new MemoryCache<Client | null>(10_000);

  constructor(preconfigured: ReadonlyMap<string, Client>, store: ClientStore, documents: MetadataDocuments) {
    this.#preconfigured = preconfigured;
    this.#store = store;
    this.#documents = documents;
  }

  /** The client, or undefined when no such client exists. A broken metadata document throws `invalid_client`. */
  async resolve(clientId: string): Promise<Client | undefined> {
    if (clientId.length === 0 || clientId.length > 2_048) return undefined;
    const preconfigured = this.#preconfigured.get(clientId);
    if (preconfigured) return preconfigured;
    if (this.#documents.isMetadataDocumentUrl(clientId)) return this.#documents.resolve(clientId);
    if (/^https?:/i.test(clientId)) return undefined;
    const cached = this.#registered.get(clientId);
    if (cached !== undefined) return cached ?? undefined;
    const stored = await this.#store.find(clientId);
    const client: Client | null = stored
      ? {
          id: stored.id,
          kind: 'registered',
          metadata: stored.metadata,
          ...(stored.secretHash ? { secretHash: stored.secretHash } : {}),
          issuedAt: Math.floor(stored.createdAt.getTime() / 1000),
        }
      : null;
    this.#registered.set(clientId, client, REGISTERED_CACHE_MS);
    return client ?? undefined;
  }

  /** Drops a registered client from this replica's cache (after an update or delete). */
  forget(clientId: string): void {
    this.#registered.delete(clientId);
  }
}

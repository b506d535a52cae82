import type { ClientMetadata } from '../clients/client.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { ClientStore, StoredClient } from './ports.ts';

/** Dynamically registered clients in `token.clients`, through Prisma. */
export class PrismaClientStore implements ClientStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async find(id: string): Promise<StoredClient | undefined> {
    const row = await this.#prisma.client.findUnique({ where: { id } });
    if (!row) return undefined;
    return {
      id: row.id,
      metadata: row.metadata as unknown as ClientMetadata,
      secretHash: row.secretHash ?? undefined,
      registrationTokenHash: row.registrationTokenHash,
      createdAt: row.createdAt,
    };
  }

  async create(client: StoredClient): Promise<void> {
    await this.#prisma.client.create({
      data: {
        id: client.id,
        metadata: client.metadata as object,
        secretHash: client.secretHash ?? null,
        registrationTokenHash: client.registrationTokenHash,
        createdAt: client.createdAt,
      },
    });
  }

  async update(id: string, metadata: ClientMetadata, secretHash: string | undefined): Promise<void> {
    await this.#prisma.client.update({
      where: { id },
      data: { metadata: metadata as object, secretHash: secretHash ?? null, updatedAt: new Date() },
    });
  }

  async delete(id: string): Promise<boolean> {
    const { count } = await this.#prisma.client.deleteMany({ where: { id } });
    return count > 0;
  }

  async deleteUnused(unusedForMs: number): Promise<number> {
    // "Unused": nothing granted for the period, and no grant still alive (which could still refresh).
    return this.#prisma.$executeRaw`
      DELETE FROM token.clients c
       WHERE COALESCE(c.last_granted_at, c.created_at) < now() - ${unusedForMs}::bigint * interval '1 millisecond'
         AND NOT EXISTS (SELECT 1 FROM token.grants g
                          WHERE g.client_id = c.id AND g.revoked_at IS NULL AND g.expires_at > now())`;
  }
}

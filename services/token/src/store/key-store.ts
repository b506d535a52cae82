import type { PrismaClient } from '../generated/prisma/client.ts';
import type { KeyStore, NewSigningKey, SigningKeyStatus, StoredSigningKey } from './ports.ts';

// Any constant works; it only has to be the same in every replica and unused elsewhere.
const KEY_LOCK = 7_310_046_001;

type Transaction = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/** Signing keys in `token.signing_keys`. Changes run under one advisory lock, so replicas take turns. */
export class PrismaKeyStore implements KeyStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async listPublished(): Promise<StoredSigningKey[]> {
    const rows = await this.#prisma.signingKey.findMany({
      where: {
        OR: [
          { status: { in: ['current', 'next'] } },
          { status: 'retired', publishUntil: { gt: new Date() } },
        ],
      },
      orderBy: { createdAt: 'desc' },
    });
    return rows.map((row) => ({
      kid: row.kid,
      status: row.status as SigningKeyStatus,
      publicJwk: row.publicJwk as Record<string, string>,
      privateJwkEncrypted: row.privateJwkEncrypted,
      encryptionKeyId: row.encryptionKeyId,
      createdAt: row.createdAt,
      activatedAt: row.activatedAt ?? undefined,
      publishUntil: row.publishUntil ?? undefined,
    }));
  }

  async ensureKeys(generate: () => Promise<NewSigningKey>): Promise<void> {
    // Generated outside the lock: key generation and encryption are not something to hold it for.
    const candidates = [await generate(), await generate()];
    await this.#locked(async (tx) => {
      const existing = await tx.signingKey.findMany({ where: { status: { in: ['current', 'next'] } } });
      const has = (status: string) => existing.some((key) => key.status === status);
      if (!has('current')) {
        await tx.signingKey.create({
          data: { ...candidates[0]!, status: 'current', activatedAt: new Date() },
        });
      }
      if (!has('next')) await tx.signingKey.create({ data: { ...candidates[1]!, status: 'next' } });
    });
  }

  async rotate(
    generate: () => Promise<NewSigningKey>,
    options: { retiredPublishMs: number; onlyIfOlderThanMs?: number },
  ): Promise<string | undefined> {
    const fresh = [await generate(), await generate()];
    return this.#locked(async (tx) => {
      const now = new Date();
      const current = await tx.signingKey.findFirst({ where: { status: 'current' } });
      if (
        current?.activatedAt &&
        options.onlyIfOlderThanMs !== undefined &&
        now.getTime() - current.activatedAt.getTime() < options.onlyIfOlderThanMs
      ) {
        return undefined;
      }
      // Order matters: at most one current and one next exist at any statement boundary.
      if (current) {
        await tx.signingKey.update({
          where: { kid: current.kid },
          data: {
            status: 'retired',
            retiredAt: now,
            publishUntil: new Date(now.getTime() + options.retiredPublishMs),
          },
        });
      }
      const next = await tx.signingKey.findFirst({ where: { status: 'next' } });
      let currentKid: string;
      if (next) {
        await tx.signingKey.update({
          where: { kid: next.kid },
          data: { status: 'current', activatedAt: now },
        });
        currentKid = next.kid;
      } else {
        await tx.signingKey.create({ data: { ...fresh[1]!, status: 'current', activatedAt: now } });
        currentKid = fresh[1]!.kid;
      }
      await tx.signingKey.create({ data: { ...fresh[0]!, status: 'next' } });
      return currentKid;
    });
  }

  async deleteRetired(): Promise<number> {
    const { count } = await this.#prisma.signingKey.deleteMany({
      where: { status: 'retired', publishUntil: { lt: new Date() } },
    });
    return count;
  }

  #locked<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.#prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${KEY_LOCK}::bigint)`;
        return work(tx);
      },
      { timeout: 15_000, maxWait: 15_000 },
    );
  }
}

import { randomUUID } from 'node:crypto';
import { isScope, type Scope } from '@gatehouse/proto';
import type {
  AccountChange,
  ConsentStore,
  UpstreamAccount,
  UpstreamAccountStore,
  User,
  UserStore,
} from './ports.ts';
import type { Database } from './prisma.ts';

// The identity schema in Postgres (STORAGE.md), behind the store ports.

export class PostgresUsers implements UserStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  async upsertByGitHubId(profile: {
    githubId: number;
    githubLogin: string;
    avatarUrl: string;
  }): Promise<User> {
    // INSERT … ON CONFLICT (github_id): two first sign-ins of one person cannot create two users.
    const row = await this.#db.user.upsert({
      where: { githubId: BigInt(profile.githubId) },
      create: {
        id: randomUUID(),
        githubId: BigInt(profile.githubId),
        githubLogin: profile.githubLogin,
        avatarUrl: profile.avatarUrl,
      },
      update: { githubLogin: profile.githubLogin, avatarUrl: profile.avatarUrl, lastLoginAt: new Date() },
    });
    return toUser(row);
  }

  async find(userId: string): Promise<User | null> {
    const row = await this.#db.user.findUnique({ where: { id: userId } });
    return row && toUser(row);
  }
}

function toUser(row: { id: string; githubId: bigint; githubLogin: string; avatarUrl: string }): User {
  return {
    id: row.id,
    githubId: Number(row.githubId),
    githubLogin: row.githubLogin,
    avatarUrl: row.avatarUrl,
  };
}

export class PostgresUpstreamAccounts implements UpstreamAccountStore {
  readonly #db: Database;
  /** Longest a refresh may hold the row lock: GitHub's timeout plus a margin. */
  readonly #lockTimeoutMs: number;

  constructor(db: Database, options: { lockTimeoutMs: number }) {
    this.#db = db;
    this.#lockTimeoutMs = options.lockTimeoutMs;
  }

  find(userId: string): Promise<UpstreamAccount | null> {
    return this.#db.upstreamAccount.findUnique({ where: { userId } });
  }

  async save(account: UpstreamAccount): Promise<void> {
    await this.#db.upstreamAccount.upsert({
      where: { userId: account.userId },
      create: account,
      update: account,
    });
  }

  async replaceIfUnchanged(account: UpstreamAccount, expectedSealed: string): Promise<boolean> {
    const { count } = await this.#db.upstreamAccount.updateMany({
      where: { userId: account.userId, sealedTokens: expectedSealed },
      data: account,
    });
    return count === 1;
  }

  withLock<T>(
    userId: string,
    decide: (account: UpstreamAccount | null) => Promise<AccountChange & { result: T }>,
  ): Promise<T> {
    return this.#db.$transaction(
      async (tx) => {
        // A second refresh of the same person waits here until the first one commits.
        await tx.$queryRaw`SELECT 1 FROM identity.upstream_accounts WHERE user_id = ${userId} FOR UPDATE`;
        const { write, result } = await decide(await tx.upstreamAccount.findUnique({ where: { userId } }));
        if (write === 'delete') await tx.upstreamAccount.deleteMany({ where: { userId } });
        else if (write) await tx.upstreamAccount.update({ where: { userId }, data: write });
        return result;
      },
      { maxWait: this.#lockTimeoutMs, timeout: 2 * this.#lockTimeoutMs },
    );
  }
}

export class PostgresConsents implements ConsentStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  async find(userId: string, clientId: string): Promise<Scope[] | null> {
    const row = await this.#db.consent.findUnique({ where: { userId_clientId: { userId, clientId } } });
    return row ? row.scopes.filter(isScope) : null;
  }

  async remember(userId: string, clientId: string, scopes: readonly Scope[]): Promise<void> {
    // The union is taken in the statement, so concurrent approvals of one client both count.
    await this.#db.$executeRaw`
      INSERT INTO identity.consents (user_id, client_id, scopes) VALUES (${userId}, ${clientId}, ${[...scopes]}::text[])
      ON CONFLICT (user_id, client_id) DO UPDATE SET
        scopes = ARRAY(SELECT DISTINCT s FROM unnest(consents.scopes || EXCLUDED.scopes) AS s ORDER BY s),
        updated_at = now()`;
  }

  async forget(userId: string, clientId: string, before: Date): Promise<boolean> {
    const { count } = await this.#db.consent.deleteMany({
      where: { userId, clientId, updatedAt: { lte: before } },
    });
    return count > 0;
  }
}

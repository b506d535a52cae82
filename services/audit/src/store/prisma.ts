import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export type Database = PrismaClient;

/**
 * Prisma over node-postgres (no query engine). Tables live in the `audit` schema. Every statement
 * is bounded (a hung insert becomes an error the consumer retries, not a batch held forever);
 * queries set a shorter limit from their caller's deadline.
 */
export function createDatabase(
  databaseUrl: string,
  options: { poolSize?: number; statementTimeoutMs?: number } = {},
): Database {
  return new PrismaClient({
    adapter: new PrismaPg({
      connectionString: databaseUrl,
      max: options.poolSize ?? 10,
      statement_timeout: options.statementTimeoutMs ?? 30_000,
    }),
  });
}

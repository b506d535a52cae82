import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export type Database = PrismaClient;

/** Prisma over node-postgres (no query engine). Tables live in the `identity` schema. */
export function createDatabase(databaseUrl: string, options: { poolSize?: number } = {}): Database {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl, max: options.poolSize ?? 10 }),
  });
}

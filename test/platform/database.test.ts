import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@gatehouse/testing';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

const ROOT = new URL('../..', import.meta.url).pathname;
const SERVICES_WITH_DATA = readdirSync(join(ROOT, 'services')).filter((name) =>
  readdirSync(join(ROOT, 'services', name)).includes('prisma'),
);

type Delegate = { findFirst(args?: unknown): Promise<unknown> };

// The SQL migrations (what production runs) and schema.prisma (what the code compiles against)
// are written by hand side by side. Prisma selects every column by name, so reading each model
// from a freshly migrated database fails on any table, column or type the two disagree on.
describe('migrations agree with each service’s Prisma schema', () => {
  test('every service that owns data has migrations and a Prisma schema', () => {
    expect(SERVICES_WITH_DATA.sort()).toEqual(['audit', 'identity', 'token']);
  });

  test.for(SERVICES_WITH_DATA)(
    '%s: every model reads from the migrated database',
    async (service, { isolation }) => {
      const { PrismaClient, Prisma } = await import(
        join(ROOT, 'services', service, 'src/generated/prisma/client.ts')
      );
      const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: isolation.databaseUrl }) });
      try {
        const models = Object.values(Prisma.ModelName as Record<string, string>);
        expect(models.length).toBeGreaterThan(0);
        for (const model of models) {
          const delegate = prisma[model.charAt(0).toLowerCase() + model.slice(1)] as Delegate;
          await expect(delegate.findFirst(), `${service}.${model}`).resolves.toBeNull();
        }
      } finally {
        await prisma.$disconnect();
      }
    },
  );

  test('each service keeps its tables and its migration history in its own schema', async ({ isolation }) => {
    const client = new pg.Client({ connectionString: isolation.databaseUrl });
    await client.connect();
    const { rows } = await client.query<{ schemaname: string; tablename: string }>(
      "SELECT schemaname, tablename FROM pg_tables WHERE tablename = 'schema_migrations' ORDER BY schemaname",
    );
    await client.end();
    expect(rows.map((row) => row.schemaname)).toEqual(['audit', 'identity', 'token']);
  });
});

import { randomBytes } from 'node:crypto';
import pg from 'pg';

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new database copied from the migrated template: ~30 ms, and isolated from every other test file. */
export async function createDatabase(
  adminUrl: string,
  template: string,
): Promise<{ url: string; name: string }> {
  const name = `gatehouse_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return { url: databaseUrl(adminUrl, name), name };
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/**
 * Creates the migrated template once per migration set. It is built under a scratch name and
 * renamed when complete, so concurrent runs and runs killed half-way never see a partial one.
 */
export async function ensureTemplate(
  adminUrl: string,
  template: string,
  applyMigrations: (url: string) => void,
): Promise<void> {
  const exists = await withAdmin(adminUrl, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    return rowCount === 1;
  });
  if (exists) return;
  const scratch = `${template}_build_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE "${scratch}"`));
  applyMigrations(databaseUrl(adminUrl, scratch));
  await withAdmin(adminUrl, async (client) => {
    try {
      await client.query(`ALTER DATABASE "${scratch}" RENAME TO "${template}"`);
    } catch (error) {
      // Another run finished first: use theirs.
      await client.query(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`);
      if ((error as { code?: string }).code !== '42P04') throw error;
    }
  });
}

/** Empties every table of the given schemas (except migration bookkeeping). */
export async function truncateSchemas(url: string, schemas: readonly string[]): Promise<void> {
  await withAdmin(url, async (client) => {
    const { rows } = await client.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
        WHERE schemaname = ANY($1) AND tablename <> 'schema_migrations'`,
      [schemas],
    );
    if (rows.length > 0) await client.query(`TRUNCATE ${rows.map((r) => r.name).join(', ')} CASCADE`);
  });
}

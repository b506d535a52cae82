// Applies every service's SQL migrations with dbmate: `npm run db:migrate`.
// Each service keeps its own migrations table in its own schema, so services migrate independently.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, servicesWithDatabase } from './services.ts';

export function migrate(databaseUrl: string, options: { quiet?: boolean } = {}): void {
  const url = new URL(databaseUrl);
  if (!url.searchParams.has('sslmode') && ['127.0.0.1', 'localhost', '::1'].includes(url.hostname)) {
    url.searchParams.set('sslmode', 'disable');
  }
  for (const service of servicesWithDatabase()) {
    execFileSync(
      join(ROOT, 'node_modules', '.bin', 'dbmate'),
      [
        '--url',
        url.toString(),
        '--migrations-dir',
        service.migrations,
        '--migrations-table',
        `${service.schema}.schema_migrations`,
        '--no-dump-schema',
        '--wait',
        'up',
      ],
      { stdio: options.quiet ? 'pipe' : 'inherit' },
    );
  }
}

if (import.meta.main) {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gatehouse';
  // dbmate's `up` creates the database when it is missing.
  migrate(databaseUrl);
}

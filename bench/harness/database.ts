// A fresh, migrated database for one run: copied from the same migrated template the test suite
// uses (its name follows the migrations' content), created here if no test run made it yet.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDatabase, dropDatabase, ensureTemplate } from '../../packages/testing/src/databases.ts';
import { migrate } from '../../scripts/db-migrate.ts';
import { servicesWithDatabase } from '../../scripts/services.ts';

function templateName(): string {
  const hash = createHash('sha256');
  for (const service of servicesWithDatabase()) {
    for (const file of readdirSync(service.migrations).sort()) {
      hash.update(file).update(readFileSync(join(service.migrations, file)));
    }
  }
  return `gatehouse_template_${hash.digest('hex').slice(0, 12)}`;
}

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function scratchDatabase(adminUrl: string): Promise<ScratchDatabase> {
  const template = templateName();
  await ensureTemplate(adminUrl, template, (url) => migrate(url, { quiet: true }));
  const database = await createDatabase(adminUrl, template);
  return { url: database.url, drop: () => dropDatabase(adminUrl, database.name) };
}

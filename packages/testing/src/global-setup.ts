import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../../scripts/db-migrate.ts';
import { servicesWithDatabase } from '../../../scripts/services.ts';
import { ensureTemplate } from './databases.ts';
import { resolveInfrastructure } from './infrastructure.ts';
import { deleteStaleTestStreams } from './streams.ts';

/** The template's name follows the migrations' content, so a changed migration gets a fresh template. */
function templateName(): string {
  const hash = createHash('sha256');
  for (const service of servicesWithDatabase()) {
    for (const file of readdirSync(service.migrations).sort()) {
      hash.update(file).update(readFileSync(join(service.migrations, file)));
    }
  }
  return `gatehouse_template_${hash.digest('hex').slice(0, 12)}`;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { urls, stop } = await resolveInfrastructure();
  const templateDatabase = templateName();
  await ensureTemplate(urls.postgresUrl, templateDatabase, (url) => migrate(url, { quiet: true }));
  await deleteStaleTestStreams(urls.natsUrl);
  project.provide('infrastructure', { ...urls, templateDatabase });
  return stop;
}

import { randomBytes } from 'node:crypto';
import { test as base, inject } from 'vitest';
import { createDatabase, dropDatabase } from './databases.ts';
import type { TestInfrastructure } from './infrastructure.ts';
import { createTestStream, deleteTestStream } from './streams.ts';

export interface Isolation {
  /** A database of its own, migrated. */
  databaseUrl: string;
  /** A NATS subject prefix of its own: services started with it never hear another file's requests. */
  natsPrefix: string;
  /** A Redis key prefix of its own. */
  redisPrefix: string;
}

export interface Fixtures {
  infrastructure: TestInfrastructure;
  isolation: Isolation;
}

export function uniqueName(label: string): string {
  return `${label}${randomBytes(5).toString('hex')}`;
}

/**
 * `test` with the real Postgres, Redis and NATS: connected once by the global setup, and isolated
 * per test file (its own database, subject prefix and key prefix), so files run in parallel.
 */
export const test = base.extend<Fixtures>({
  infrastructure: [
    // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from the pattern
    async ({}, use) => use(inject('infrastructure')),
    { scope: 'file' },
  ],
  isolation: [
    async ({ infrastructure }, use) => {
      const database = await createDatabase(infrastructure.postgresUrl, infrastructure.templateDatabase);
      const natsPrefix = uniqueName('t');
      await createTestStream(infrastructure.natsUrl, natsPrefix);
      await use({ databaseUrl: database.url, natsPrefix, redisPrefix: `${uniqueName('t')}:` });
      await dropDatabase(infrastructure.postgresUrl, database.name);
      await deleteTestStream(infrastructure.natsUrl, natsPrefix);
    },
    { scope: 'file' },
  ],
});

export { describe, expect, vi } from 'vitest';

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('..', import.meta.url).pathname;

/** Every service folder, in start order: data owners first, the public gateway last. */
export const SERVICES = ['audit', 'token', 'identity', 'github-worker', 'mcp-gateway'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Services that own a Postgres schema: they have SQL migrations and a Prisma schema. */
export function servicesWithDatabase(): {
  name: string;
  migrations: string;
  prismaSchema: string;
  schema: string;
}[] {
  return readdirSync(join(ROOT, 'services'))
    .filter((name) => existsSync(join(ROOT, 'services', name, 'db', 'migrations')))
    .sort()
    .map((name) => ({
      name,
      migrations: join(ROOT, 'services', name, 'db', 'migrations'),
      prismaSchema: join(ROOT, 'services', name, 'prisma', 'schema.prisma'),
      // The Postgres schema a service owns is its name without dashes.
      schema: name.replaceAll('-', '_'),
    }));
}

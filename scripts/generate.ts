// Everything generated from sources before the services run: protobuf (buf + protoc-gen-es),
// each service's Prisma client, and the gateway's ChatGPT widgets (Vite, single-file HTML).
// All of it runs offline from node_modules.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, servicesWithDatabase } from './services.ts';

const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
const env = {
  ...process.env,
  PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}`,
  // See scripts/prisma-schema-engine-stub.sh for why.
  PRISMA_SCHEMA_ENGINE_BINARY: join(ROOT, 'scripts', 'prisma-schema-engine-stub.sh'),
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};

export function generateProto(): void {
  execFileSync(bin('buf'), ['generate'], { cwd: join(ROOT, 'proto'), env, stdio: 'inherit' });
}

export function generatePrisma(): void {
  for (const service of servicesWithDatabase()) {
    if (!existsSync(service.prismaSchema)) continue;
    execFileSync(bin('prisma'), ['generate', '--schema', service.prismaSchema], { env, stdio: 'pipe' });
  }
}

export async function buildWidgets(): Promise<void> {
  const { buildWidgets } = await import('../services/mcp-gateway/widgets/build.ts');
  await buildWidgets({ quiet: true });
}

if (import.meta.main) {
  generateProto();
  generatePrisma();
  await buildWidgets();
}

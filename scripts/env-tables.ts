// Generates the README's configuration tables from the services' env schemas: the variable
// names and defaults come from each `configSchema`, the meaning from the doc comment above the
// variable in the source. `npm run docs:env` rewrites the README; a test fails when it is stale.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { ROOT, SERVICES } from './services.ts';

const START = '<!-- env-tables:start -->';
const END = '<!-- env-tables:end -->';

function configSources(service: string): string[] {
  const found: string[] = [join(ROOT, 'packages/config/src/common.ts')];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (entry === 'generated' || entry === 'node_modules') continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (entry === 'config.ts') found.push(path);
    }
  };
  walk(join(ROOT, 'services', service, 'src'));
  return found;
}

/** `/** text *\/` immediately above `NAME:` → text, per variable name. */
function comments(files: string[]): Map<string, string> {
  const byName = new Map<string, string>();
  const pattern = /\/\*\*((?:[^*]|\*(?!\/))*)\*\/\s*\n\s*([A-Z][A-Z0-9_]*)\s*:/g;
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(pattern)) {
      const text = match[1]!
        .split('\n')
        .map((line) => line.replace(/^\s*\*\s?/, '').trim())
        .filter(Boolean)
        .join(' ');
      if (!byName.has(match[2]!)) byName.set(match[2]!, text);
    }
  }
  return byName;
}

function defaultOf(field: z.ZodType): string {
  const result = field.safeParse(undefined);
  if (!result.success) return '**required**';
  if (result.data === undefined) return '';
  if (typeof result.data === 'string') return result.data === '' ? '(empty)' : `\`${result.data}\``;
  return `\`${JSON.stringify(result.data)}\``;
}

export async function renderEnvTables(): Promise<string> {
  const sections: string[] = [];
  for (const service of SERVICES) {
    const { configSchema } = (await import(join(ROOT, 'services', service, 'src/config.ts'))) as {
      configSchema: z.ZodObject;
    };
    const meaning = comments(configSources(service));
    const rows = Object.entries(configSchema.shape as Record<string, z.ZodType>).map(
      ([name, field]) =>
        `| \`${name}\` | ${defaultOf(field)} | ${(meaning.get(name) ?? '').replaceAll('|', '\\|')} |`,
    );
    sections.push(`### ${service}\n\n| variable | default | meaning |\n|---|---|---|\n${rows.join('\n')}`);
  }
  return `${START}\n${sections.join('\n\n')}\n${END}`;
}

export function replaceEnvTables(readme: string, tables: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < 0) throw new Error('README.md lacks the env-tables markers');
  return readme.slice(0, start) + tables + readme.slice(end + END.length);
}

if (import.meta.main) {
  const path = join(ROOT, 'README.md');
  writeFileSync(path, replaceEnvTables(readFileSync(path, 'utf8'), await renderEnvTables()));
}

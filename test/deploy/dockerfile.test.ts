// The Dockerfile, checked without a Docker engine: its stages parsed, the final image's user,
// entry point, health check and dependencies; and the runtime sources' imports, which must all be
// production dependencies since the image installs nothing else.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT, SERVICE_NAMES } from './lib/services.ts';

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** Parses a Dockerfile into stages: line continuations joined, comments dropped, ARG defaults applied. */
function parseDockerfile(text: string): Stage[] {
  const logical = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const body = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      const [image = '', , name] = body.replace(/\$\{(\w+)\}/g, (_, arg) => args[arg] ?? '').split(/\s+/);
      stages.push({ name: name ?? String(stages.length), from: image, instructions: [] });
    } else if (stages.length === 0 && keyword.toUpperCase() === 'ARG') {
      const [name = '', value = ''] = body.split('=');
      args[name] = value;
    } else {
      stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args: body });
    }
  }
  return stages;
}

const stages = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const byName = (name: string) => stages.find((s) => s.name === name);

/** An instruction as the stage sees it, inherited from the stage it is built FROM when not set. */
function effective(stage: Stage, keyword: string): Instruction | undefined {
  const own = stage.instructions.filter((i) => i.keyword === keyword).at(-1);
  if (own) return own;
  const parent = byName(stage.from);
  return parent ? effective(parent, keyword) : undefined;
}

const finalStage = stages.at(-1)!;
const json = (instruction: Instruction | undefined) =>
  JSON.parse(instruction?.args ?? 'null') as string[] | null;

describe('Dockerfile', () => {
  test('builds every stage on node:24 slim', () => {
    const base = stages[0]!;
    expect(base.from).toMatch(/^node:24-(bookworm-)?slim$/);
    for (const stage of stages.slice(1))
      expect(byName(stage.from), `${stage.name} FROM ${stage.from}`).toBeDefined();
  });

  test('the final stage is the runtime image, running as a numeric non-root user', () => {
    expect(finalStage.name).toBe('runtime');
    const user = effective(finalStage, 'USER')?.args ?? 'root';
    // Numeric, so Kubernetes' runAsNonRoot can verify it without resolving names.
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
  });

  test('tini is PID 1 and forwards signals to node; the default command is a service entry point', () => {
    expect(json(effective(finalStage, 'ENTRYPOINT'))).toEqual(['/usr/bin/tini', '--', 'node']);
    const base = stages[0]!.instructions.map((i) => i.args).join('\n');
    expect(base).toMatch(/apt-get install .*\btini\b/);
    const command = json(effective(finalStage, 'CMD'))!;
    expect(command).toEqual(['services/mcp-gateway/src/main.ts']);
  });

  test('HEALTHCHECK asks the health port of whichever service runs, with node (no curl in the image)', () => {
    const healthcheck = effective(finalStage, 'HEALTHCHECK')?.args ?? '';
    expect(healthcheck).toMatch(/CMD \["node", "-e", /);
    expect(healthcheck).toContain('process.env.HEALTH_PORT');
    expect(healthcheck).toMatch(/\/readyz|\/healthz/);
    const env = effective(finalStage, 'ENV')?.args ?? '';
    // The health server binds loopback unless told otherwise; probes come from outside the container.
    expect(env).toContain('HEALTH_HOST=0.0.0.0');
    expect(env).toContain('NODE_ENV=production');
  });

  test('the runtime image holds production dependencies only', () => {
    const copies = finalStage.instructions.filter((i) => i.keyword === 'COPY');
    const sources = copies.map((c) => /--from=(\S+)/.exec(c.args)?.[1]);
    expect(sources).toEqual(['app']);
    const app = byName('app')!;
    const installs = app.instructions.filter(
      (i) => i.keyword === 'RUN' && /\bnpm (ci|install|i)\b/.test(i.args),
    );
    expect(installs).toHaveLength(1);
    expect(installs[0]!.args).toMatch(/npm ci --omit=dev\b/);
    expect(installs[0]!.args).toContain('--ignore-scripts');
    // The dev tree (build stage) may contribute generated code only, never node_modules.
    for (const copy of app.instructions.filter(
      (i) => i.keyword === 'COPY' && i.args.includes('--from=build'),
    )) {
      expect(copy.args).not.toContain('node_modules');
    }
  });

  test('code generation runs at build time, so nothing is generated (or written) at run time', () => {
    const build = byName('build')!
      .instructions.map((i) => i.args)
      .join('\n');
    expect(build).toContain('node scripts/generate.ts');
    expect(
      byName('app')!.instructions.some(
        (i) => i.keyword === 'COPY' && i.args.startsWith('--from=build /generated/'),
      ),
    ).toBe(true);
  });

  test('the migrate and github-emulator targets run their scripts as non-root under tini', () => {
    for (const [name, entry] of [
      ['migrate', 'scripts/db-migrate.ts'],
      ['github-emulator', 'tools/github-emulator/src/main.ts'],
    ] as const) {
      const stage = byName(name)!;
      expect(effective(stage, 'USER')?.args).toMatch(/^[1-9]\d*(:\d+)?$/);
      expect(json(effective(stage, 'ENTRYPOINT'))).toEqual(['/usr/bin/tini', '--', 'node']);
      expect(json(effective(stage, 'CMD'))).toEqual([entry]);
    }
    expect(
      byName('migrate')!
        .instructions.map((i) => i.args)
        .join('\n'),
    ).toContain('node_modules/.bin/dbmate');
  });

  test('every entry point the deployment starts exists', () => {
    const entries = [...SERVICE_NAMES.map((s) => `services/${s}/src/main.ts`), 'scripts/db-migrate.ts'];
    for (const entry of [...entries, 'tools/github-emulator/src/main.ts']) {
      expect(existsSync(join(ROOT, entry)), entry).toBe(true);
    }
  });

  test('.dockerignore sends only sources: no node_modules, local env files, tests or generated trees', () => {
    const rules = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    expect(rules[0]).toBe('*');
    for (const rule of ['**/node_modules', '**/.env', '**/test', '**/*.test.ts', '**/generated/prisma']) {
      expect(rules).toContain(rule);
    }
  });
});

// --- Runtime imports: the image runs `npm ci --omit=dev`, so every package the runtime sources
// import must be a production dependency of the workspace that imports it.

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

function importedPackages(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g),
    ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g),
    ...text.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g),
  ].map((m) => m[1]!);
  const builtins = new Set(builtinModules);
  return specifiers
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtins.has(s))
    .map(packageOf);
}

const RUNTIME_WORKSPACES = [
  ...SERVICE_NAMES.map((s) => `services/${s}`),
  ...['bus', 'config', 'health', 'logging', 'telemetry'].map((p) => `packages/${p}`),
  'proto',
];

describe('runtime dependencies', () => {
  test.each(RUNTIME_WORKSPACES)('%s imports only its production dependencies', (workspace) => {
    const manifest = JSON.parse(readFileSync(join(ROOT, workspace, 'package.json'), 'utf8'));
    const allowed = new Set(Object.keys(manifest.dependencies ?? {}));
    const problems: string[] = [];
    for (const file of sourceFiles(join(ROOT, workspace, 'src'))) {
      for (const pkg of importedPackages(file)) {
        if (!allowed.has(pkg)) problems.push(`${relative(ROOT, file)} imports ${pkg}, not in "dependencies"`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('no runtime workspace depends on the test fixtures in production', () => {
    for (const workspace of RUNTIME_WORKSPACES) {
      const manifest = JSON.parse(readFileSync(join(ROOT, workspace, 'package.json'), 'utf8'));
      expect(Object.keys(manifest.dependencies ?? {}), workspace).not.toContain('@gatehouse/testing');
    }
  });

  test('the migration script needs nothing but Node and dbmate', () => {
    for (const file of ['scripts/db-migrate.ts', 'scripts/services.ts']) {
      expect(importedPackages(join(ROOT, file)), file).toEqual([]);
    }
  });

  test('the import scan finds bare imports, so it can fail', () => {
    const packages = importedPackages(join(ROOT, 'services/mcp-gateway/src/config.ts'));
    expect(packages).toEqual(expect.arrayContaining(['@gatehouse/config', 'zod']));
  });
});

// The five services as the deployment sees them: each one's environment schema (the source of truth
// for what it reads), its health port, and what its configuration says it depends on.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { configSchema as audit } from '../../../services/audit/src/config.ts';
import { configSchema as githubWorker } from '../../../services/github-worker/src/config.ts';
import { configSchema as identity } from '../../../services/identity/src/config.ts';
import { configSchema as mcpGateway } from '../../../services/mcp-gateway/src/config.ts';
import { configSchema as token } from '../../../services/token/src/config.ts';

export const ROOT = new URL('../../..', import.meta.url).pathname;

export const SCHEMAS = {
  'mcp-gateway': mcpGateway,
  token,
  identity,
  'github-worker': githubWorker,
  audit,
} as const satisfies Record<string, z.ZodObject>;

export type ServiceName = keyof typeof SCHEMAS;
export const SERVICE_NAMES = Object.keys(SCHEMAS) as ServiceName[];

/** Every variable a service reads: its schema's keys, each also as KEY_FILE (packages/config). */
export function readVariables(service: ServiceName): Set<string> {
  const keys = Object.keys(SCHEMAS[service].shape);
  return new Set([...keys, ...keys.map((key) => `${key}_FILE`), ...SHARED_PACKAGE_VARIABLES]);
}

/** Variables a service cannot start without: the keys whose absence fails its schema on `{}`. */
export function requiredVariables(service: ServiceName): string[] {
  const result = SCHEMAS[service].safeParse({});
  if (result.success) return [];
  return [...new Set(result.error.issues.map((issue) => String(issue.path[0] ?? '')).filter(Boolean))];
}

/** The default of one schema key (e.g. HEALTH_PORT), as the service would parse it when unset. */
export function defaultOf(service: ServiceName, key: string): unknown {
  const field = (SCHEMAS[service].shape as Record<string, z.ZodType>)[key];
  return field?.safeParse(undefined).data;
}

/** Whether a service reads a key at all (no _FILE variants). */
export function reads(service: ServiceName, key: string): boolean {
  return Object.hasOwn(SCHEMAS[service].shape, key);
}

/**
 * Variables read by shared packages rather than a service schema (packages/telemetry reads
 * OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_SERVICE_NAME): found by scanning the packages' sources for
 * `env.NAME`, so a new one is picked up without editing this file.
 */
export const SHARED_PACKAGE_VARIABLES: ReadonlySet<string> = (() => {
  const names = new Set<string>();
  for (const pkg of ['telemetry', 'logging', 'bus', 'health']) {
    const dir = join(ROOT, 'packages', pkg, 'src');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      for (const match of readFileSync(join(dir, file), 'utf8').matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)) {
        names.add(match[1]!);
      }
    }
  }
  return names;
})();

/**
 * Variables the deployment sets ahead of the service reading them, because the service's engineer
 * is adding them now (docs/deploy.md marks each one "not read yet"). compose.test.ts fails as
 * soon as a service starts reading one, so this list only ever shrinks.
 */
export const NOT_YET_READ: Partial<Record<ServiceName, readonly string[]>> = {};

/** What a service's configuration says it connects to. */
export function dataDependencies(service: ServiceName): Set<'nats' | 'redis' | 'postgres'> {
  const deps = new Set<'nats' | 'redis' | 'postgres'>();
  if (reads(service, 'NATS_URL')) deps.add('nats');
  if (reads(service, 'REDIS_URL')) deps.add('redis');
  if (reads(service, 'DATABASE_URL')) deps.add('postgres');
  return deps;
}

/** Checks one service's environment as deployed: nothing unknown, nothing required missing. */
export function environmentProblems(service: ServiceName, variables: Iterable<string>): string[] {
  const set = new Set(variables);
  const known = readVariables(service);
  const pending = new Set(NOT_YET_READ[service] ?? []);
  const problems: string[] = [];
  for (const name of set) {
    const base = name.endsWith('_FILE') ? name.slice(0, -'_FILE'.length) : name;
    if (!known.has(name) && !pending.has(base))
      problems.push(`${service}: sets ${name}, which it does not read`);
  }
  for (const name of requiredVariables(service)) {
    if (!set.has(name) && !set.has(`${name}_FILE`)) problems.push(`${service}: requires ${name}, not set`);
  }
  return problems;
}

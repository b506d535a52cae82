// Loading docker-compose.yml the way Compose does for the parts the tests need: YAML merge keys
// (`<<: *anchor`) and `${VAR}`, `${VAR:-default}`, `${VAR:?message}` interpolation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './services.ts';

export interface ComposeService {
  image?: string;
  build?: { context: string; target?: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  profiles?: string[];
  read_only?: boolean;
  tmpfs?: string[];
  cap_drop?: string[];
  security_opt?: string[];
  networks?: string[] | Record<string, { aliases?: string[] } | null>;
  volumes?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  [key: string]: unknown;
}

/** The file as YAML data, merge keys resolved, interpolation left as written. */
export function loadRaw(relativePath: string): ComposeFile {
  return parse(readFileSync(join(ROOT, relativePath), 'utf8'), { merge: true });
}

/** Compose interpolation with `variables` as the environment (an empty one by default). */
export function interpolate(value: string, variables: Record<string, string> = {}): string {
  return value.replace(
    /\$\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?\}/g,
    (_, name: string, op?: string, arg = '') => {
      const set = variables[name];
      const present = op?.startsWith(':') ? set !== undefined && set !== '' : set !== undefined;
      if (present) return set!;
      if (op?.endsWith('?')) throw new Error(`${name} is required: ${arg}`);
      return op?.endsWith('-') ? arg : '';
    },
  );
}

/** The environment a service gets with no variables set on the host. */
export function serviceEnvironment(service: ComposeService, variables?: Record<string, string>) {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([key, value]) => [
      key,
      interpolate(String(value), variables),
    ]),
  );
}

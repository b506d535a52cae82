import { readFileSync } from 'node:fs';
import type { z } from 'zod';

export type EnvSource = Record<string, string | undefined>;

/** Thrown when the environment does not satisfy a service's schema; lists every problem at once. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(service: string, problems: readonly string[]) {
    super(`${service}: invalid configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Every variable `X` may instead be given as `X_FILE`, a path whose contents are the value
 * (Kubernetes and Docker mount secrets as files). Setting both is an error: which one wins
 * would be a guess.
 */
function resolveFileVariables(keys: readonly string[], env: EnvSource, problems: string[]): EnvSource {
  const resolved: EnvSource = { ...env };
  for (const key of keys) {
    const path = env[`${key}_FILE`];
    if (path === undefined || path === '') continue;
    if (env[key] !== undefined && env[key] !== '') {
      problems.push(`${key} and ${key}_FILE are both set; set one`);
      continue;
    }
    try {
      resolved[key] = readFileSync(path, 'utf8').trim();
    } catch (error) {
      problems.push(`${key}_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return resolved;
}

/**
 * Parses the environment once, at boot, through a service's zod schema. Empty strings count as
 * unset so `FOO=` in an env file falls back to the default instead of failing validation.
 */
export function parseEnv<S extends z.ZodObject>(
  service: string,
  schema: S,
  env: EnvSource = process.env,
): z.output<S> {
  const problems: string[] = [];
  const keys = Object.keys(schema.shape);
  const withFiles = resolveFileVariables(keys, env, problems);
  const input: EnvSource = {};
  for (const key of keys) {
    const value = withFiles[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const name = issue.path.length > 0 ? issue.path.join('.') : '(environment)';
      problems.push(`${name}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(service, problems);
  return result.data;
}

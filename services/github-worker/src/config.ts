import { busEnv, envDuration, envUrl, healthEnv, logEnv, parseEnv } from '@gatehouse/config';
import { z } from 'zod';

/** Every variable the github-worker service reads; parsed once at boot. The README's table lists them. */
export const configSchema = z.object({
  ...logEnv,
  ...busEnv,
  ...healthEnv(9103),
  /** GitHub's REST API: https://api.github.com, a GHES https://HOST/api/v3, or the emulator. */
  GITHUB_API_URL: envUrl(['http', 'https'], 'http://127.0.0.1:9090').transform((url) =>
    url.replace(/\/+$/, ''),
  ),
  /** Longest one operation may take at GitHub, retries included; the caller's bus deadline can cut it shorter. */
  GITHUB_REQUEST_TIMEOUT: envDuration('10s').refine((ms) => ms >= 100, 'must be at least 100ms'),
  /** Retries of a rate-limited or failed (5xx) GitHub call, each only if it fits before the deadline. */
  GITHUB_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** How long a person's GitHub token is kept in memory after identity handed it over; 0 disables the cache. */
  UPSTREAM_TOKEN_CACHE_TTL: envDuration('60s'),
  /** Most people whose GitHub token is cached at once; the least recently fetched are dropped first. */
  UPSTREAM_TOKEN_CACHE_SIZE: z.coerce.number().int().min(1).default(10_000),
});

export type Config = z.output<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseEnv('github-worker', configSchema, env);
}

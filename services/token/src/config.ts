import {
  busEnv,
  databaseEnv,
  envDuration,
  envList,
  envUrl,
  healthEnv,
  logEnv,
  parseEnv,
  redisEnv,
} from '@gatehouse/config';
import { z } from 'zod';
import { preconfiguredClientsSchema, validatePreconfiguredClients } from './clients/preconfigured.ts';
import { isDevelopmentUrl, parseKeyEncryptionKeys } from './tokens/key-encryption.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Every variable the token service reads; parsed once at boot. The README's table lists them. */
export const configSchema = z
  .object({
    ...logEnv,
    ...busEnv,
    ...databaseEnv,
    ...redisEnv,
    ...healthEnv(9101),
    /** Connections the service keeps to Postgres. */
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    /** The gateway's public URL: the issuer (`iss`) and the base of the MCP resource (`aud` = PUBLIC_URL/mcp). */
    PUBLIC_URL: envUrl(['http', 'https'], 'http://localhost:8080')
      .refine((value) => {
        const url = new URL(value);
        return !url.search && !url.hash && !url.username && !url.password;
      }, 'must have no query, fragment or credentials')
      .transform((value) => value.replace(/\/+$/, '')),
    /** Lifetime of access tokens (JWT `exp` − `iat`). */
    ACCESS_TOKEN_TTL: envDuration('15m').refine(
      (ms) => ms >= MINUTE && ms <= DAY,
      'must be between 1m and 24h',
    ),
    /** Absolute lifetime of a grant: no refresh token outlives it, however often it is used. */
    REFRESH_TOKEN_TTL: envDuration('30d').refine((ms) => ms >= MINUTE, 'must be at least 1m'),
    /** Idle timeout: a refresh token not used for this long expires. */
    REFRESH_TOKEN_IDLE_TTL: envDuration('14d').refine((ms) => ms >= MINUTE, 'must be at least 1m'),
    /** How long a rotated refresh token may be presented again and get the same new pair (lost responses, concurrent refreshes). 0 disables. */
    REFRESH_REUSE_GRACE: envDuration('30s').refine((ms) => ms <= 5 * MINUTE, 'must be at most 5m'),
    /** Lifetime of an authorization code (RFC 6749 §4.1.2 recommends at most 10 minutes). */
    AUTHORIZATION_CODE_TTL: envDuration('60s').refine(
      (ms) => ms >= 5_000 && ms <= 10 * MINUTE,
      'must be between 5s and 10m',
    ),
    /** `kid:base64url(32 bytes)` comma-separated; the first encrypts signing keys at rest, all decrypt. Required unless PUBLIC_URL is a loopback http URL. */
    TOKEN_KEY_ENCRYPTION_KEYS: z.string().optional(),
    /** How long a signing key signs before the pre-published next key takes over. */
    KEY_ROTATION_INTERVAL: envDuration('30d'),
    /** Pre-registered clients: a JSON array (see README), usually from PRECONFIGURED_CLIENTS_FILE. */
    PRECONFIGURED_CLIENTS: z
      .string()
      .default('[]')
      .transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be a JSON array' });
          return z.NEVER;
        }
      })
      .pipe(preconfiguredClientsSchema),
    /** DEVELOPMENT ONLY: `host:port` entries whose Client ID Metadata Documents and JWKS may be fetched over http from private addresses (tests, local demos). Refused when PUBLIC_URL is https. */
    CIMD_ALLOWED_HOSTS: envList(),
    /** Deadline for fetching a Client ID Metadata Document or a client's jwks_uri. */
    CIMD_FETCH_TIMEOUT: envDuration('3s').refine(
      (ms) => ms >= 100 && ms <= 10_000,
      'must be between 100ms and 10s',
    ),
    /** Largest Client ID Metadata Document accepted, in bytes (enforced while streaming). */
    CIMD_MAX_BYTES: z.coerce.number().int().min(512).max(65_536).default(5_120),
    /** Shortest time a fetched metadata document is cached (also used when it sends no max-age). */
    CIMD_CACHE_MIN_TTL: envDuration('60s'),
    /** Longest time a fetched metadata document is cached, whatever its Cache-Control says. */
    CIMD_CACHE_MAX_TTL: envDuration('24h'),
    /** private_key_jwt: the longest an assertion may live (its `exp` at most this far ahead, RFC 7523 §3). */
    CLIENT_ASSERTION_MAX_AGE: envDuration('5m').refine(
      (ms) => ms >= 10_000 && ms <= 60 * MINUTE,
      'must be between 10s and 60m',
    ),
    /** Dynamically registered clients with no grant (and no live grant) for this long are deleted. */
    DCR_CLIENT_UNUSED_TTL: envDuration('30d').refine((ms) => ms >= 60 * MINUTE, 'must be at least 1h'),
    /** How often the cleanup job runs (expired tokens, revoked grants, unused clients, retired keys). */
    CLEANUP_INTERVAL: envDuration('1h').refine((ms) => ms >= 1_000, 'must be at least 1s'),
  })
  .superRefine((config, ctx) => {
    const development = isDevelopmentUrl(config.PUBLIC_URL);
    if (config.TOKEN_KEY_ENCRYPTION_KEYS === undefined) {
      if (!development) {
        ctx.addIssue({
          code: 'custom',
          path: ['TOKEN_KEY_ENCRYPTION_KEYS'],
          message:
            'required when PUBLIC_URL is not http://localhost or http://127.0.0.1; the built-in insecure development key is refused outside local development',
        });
      }
    } else {
      for (const problem of parseKeyEncryptionKeys(config.TOKEN_KEY_ENCRYPTION_KEYS).problems) {
        ctx.addIssue({ code: 'custom', path: ['TOKEN_KEY_ENCRYPTION_KEYS'], message: problem });
      }
    }
    if (config.CIMD_ALLOWED_HOSTS.length > 0 && new URL(config.PUBLIC_URL).protocol === 'https:') {
      ctx.addIssue({
        code: 'custom',
        path: ['CIMD_ALLOWED_HOSTS'],
        message: 'is a development setting and is refused when PUBLIC_URL is https',
      });
    }
    for (const host of config.CIMD_ALLOWED_HOSTS) {
      if (!/^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9A-Fa-f:.]+\]:\d{1,5}$/.test(host)) {
        ctx.addIssue({ code: 'custom', path: ['CIMD_ALLOWED_HOSTS'], message: `"${host}" is not host:port` });
      }
    }
    if (config.REFRESH_TOKEN_IDLE_TTL > config.REFRESH_TOKEN_TTL) {
      ctx.addIssue({
        code: 'custom',
        path: ['REFRESH_TOKEN_IDLE_TTL'],
        message: 'must not exceed REFRESH_TOKEN_TTL',
      });
    }
    if (config.KEY_ROTATION_INTERVAL < config.ACCESS_TOKEN_TTL) {
      ctx.addIssue({
        code: 'custom',
        path: ['KEY_ROTATION_INTERVAL'],
        message: 'must be at least ACCESS_TOKEN_TTL (otherwise retired keys pile up in the JWKS)',
      });
    }
    if (config.CIMD_CACHE_MIN_TTL > config.CIMD_CACHE_MAX_TTL) {
      ctx.addIssue({
        code: 'custom',
        path: ['CIMD_CACHE_MIN_TTL'],
        message: 'must not exceed CIMD_CACHE_MAX_TTL',
      });
    }
    const devHosts = new Set(config.CIMD_ALLOWED_HOSTS.map((host) => host.toLowerCase()));
    for (const problem of validatePreconfiguredClients(config.PRECONFIGURED_CLIENTS, devHosts)) {
      ctx.addIssue({ code: 'custom', path: ['PRECONFIGURED_CLIENTS'], message: problem });
    }
  });

export type Config = z.output<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseEnv('token', configSchema, env);
}

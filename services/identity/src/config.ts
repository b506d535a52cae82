import {
  busEnv,
  databaseEnv,
  envDuration,
  envUrl,
  healthEnv,
  logEnv,
  parseEnv,
  redisEnv,
} from '@gatehouse/config';
import { isScope, parseScope, type Scope } from '@gatehouse/proto';
import { z } from 'zod';
import { DEVELOPMENT_KEYRING, isLoopbackHttpUrl, type Keyring, parseKeyring } from './upstream/token-keys.ts';

/** An http(s) base URL, kept without its trailing slash so paths append cleanly. */
const baseUrl = (fallback: string) =>
  envUrl(['http', 'https'], fallback).transform((value) => value.replace(/\/+$/, ''));

/** Every variable the identity service reads; parsed once at boot. The README's table lists them. */
export const configSchema = z
  .object({
    ...logEnv,
    ...busEnv,
    ...databaseEnv,
    ...redisEnv,
    ...healthEnv(9102),
    /** The gateway's public URL: the issuer sent as `iss` (RFC 9207), the base of the MCP resource and of the GitHub callback. */
    PUBLIC_URL: baseUrl('http://localhost:8080'),
    /** GitHub's web origin, for sign-in and the token exchange: https://github.com, or https://HOST for GHES. */
    GITHUB_WEB_URL: baseUrl('http://127.0.0.1:9090'),
    /** GitHub's REST base URL: https://api.github.com, or https://HOST/api/v3 for GHES. */
    GITHUB_API_URL: baseUrl('http://127.0.0.1:9090'),
    /** Client id of the GitHub OAuth App (or GitHub App) people sign in with; the emulator's app by default. */
    GITHUB_CLIENT_ID: z.string().min(1).default('gatehouse-dev'),
    /** Its client secret (mount it as GITHUB_CLIENT_SECRET_FILE in production); the emulator's by default. */
    GITHUB_CLIENT_SECRET: z.string().min(1).default('gatehouse-dev-secret'),
    /** Timeout of each call to GitHub: the code exchange, token refresh and GET /user. */
    GITHUB_TIMEOUT: envDuration('10s'),
    /** Keys that encrypt GitHub tokens at rest, `kid:base64url(32 bytes),...`: the first encrypts, all decrypt. Required unless PUBLIC_URL is http on loopback. */
    UPSTREAM_TOKEN_KEYS: z
      .string()
      .optional()
      .transform((value, ctx): Keyring | undefined => {
        if (value === undefined) return undefined;
        const parsed = parseKeyring(value);
        if (Array.isArray(parsed)) for (const message of parsed) ctx.addIssue({ code: 'custom', message });
        return Array.isArray(parsed) ? undefined : parsed;
      }),
    /** Scopes granted when an authorization request names none (ChatGPT re-links without `scope`). */
    DEFAULT_SCOPES: z
      .string()
      .default('repos:read issues:read')
      .transform((value, ctx) => {
        const scopes = parseScope(value);
        const unknown = scopes.filter((scope) => !isScope(scope));
        if (unknown.length > 0) {
          ctx.addIssue({ code: 'custom', message: `not in the scope catalog: ${unknown.join(' ')}` });
        }
        if (scopes.length === 0) ctx.addIssue({ code: 'custom', message: 'must name at least one scope' });
        return scopes.filter(isScope) satisfies Scope[];
      }),
    /** Lifetime of a browser login session (absolute, not sliding). */
    SESSION_TTL: envDuration('12h'),
    /** How long an authorization request may wait for sign-in and consent. */
    PENDING_REQUEST_TTL: envDuration('10m'),
  })
  .superRefine((config, ctx) => {
    if (!config.UPSTREAM_TOKEN_KEYS && !isLoopbackHttpUrl(config.PUBLIC_URL)) {
      ctx.addIssue({
        code: 'custom',
        path: ['UPSTREAM_TOKEN_KEYS'],
        message:
          'required when PUBLIC_URL is not http://localhost or http://127.0.0.1 (the built-in key is for development only)',
      });
    }
    const publicUrl = new URL(config.PUBLIC_URL);
    if (publicUrl.search || publicUrl.hash || publicUrl.username || publicUrl.password) {
      ctx.addIssue({
        code: 'custom',
        path: ['PUBLIC_URL'],
        message: 'must not carry credentials, a query or a fragment',
      });
    }
  });

export type Config = Omit<z.output<typeof configSchema>, 'UPSTREAM_TOKEN_KEYS'> & {
  UPSTREAM_TOKEN_KEYS: Keyring;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config = parseEnv('identity', configSchema, env);
  return { ...config, UPSTREAM_TOKEN_KEYS: config.UPSTREAM_TOKEN_KEYS ?? DEVELOPMENT_KEYRING };
}

import { envDuration, envList } from '@gatehouse/config';
import { z } from 'zod';
import { parseTrustedProxies } from '../http/trusted-proxies.ts';

/** A rate limit written `<requests>/<window>` (`60/1m`, `20/1h`), or `off`. */
export interface RateLimitSetting {
  points: number;
  windowSeconds: number;
}

const WINDOW_UNITS: Record<string, number> = { s: 1, m: 60, h: 3_600 };

const envRateLimit = (fallback: string) =>
  z
    .string()
    .regex(/^(off|[1-9]\d*\/\d*[smh])$/, 'must be <requests>/<window> such as 60/1m or 20/1h, or off')
    .default(fallback)
    .transform((value): RateLimitSetting | null => {
      if (value === 'off') return null;
      const [, points = '0', amount, unit = 's'] = /^(\d+)\/(\d*)([smh])$/.exec(value) ?? [];
      return { points: Number(points), windowSeconds: Number(amount || '1') * (WINDOW_UNITS[unit] ?? 1) };
    });

const origin = z.string().refine((value) => {
  if (value === '*') return true;
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}, 'each entry must be an origin such as https://inspector.example.com (scheme, host, optional port; no path) or *');

/** The OAuth surface's variables; spread into the gateway's schema in src/config.ts. */
export const oauthEnv = {
  /** Proxies allowed to set X-Forwarded-For: none (default), a hop count, or addresses/CIDRs/loopback,linklocal,uniquelocal. */
  TRUST_PROXY: z
    .string()
    .default('none')
    .transform((value, context) => {
      try {
        return parseTrustedProxies(value);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** Browser origins allowed to call /oauth/token, /revoke, /introspect and /register (CORS), comma-separated; * for any. */
  CORS_ALLOWED_ORIGINS: envList().pipe(z.array(origin)),
  /** Name of the browser login-session cookie; default __Host-gatehouse_session on https, gatehouse_session on http. */
  SESSION_COOKIE_NAME: z
    .string()
    .regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, 'must be a cookie name (RFC 6265 token)')
    .optional(),
  /** Human-readable name of the MCP resource (RFC 9728 resource_name). */
  RESOURCE_NAME: z.string().min(1).max(100).default('Gatehouse for GitHub'),
  /** Documentation for people connecting to the MCP resource (RFC 9728 resource_documentation); default: the gateway's home page. */
  RESOURCE_DOCUMENTATION_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Documentation for developers of clients (RFC 8414 service_documentation); default: the gateway's home page. */
  SERVICE_DOCUMENTATION_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Deadline of each request to the token and identity services; past it the client gets a 503. */
  OAUTH_BUS_TIMEOUT: envDuration('10s'),
  /** How long the gateway caches the JWKS it serves at /.well-known/jwks.json (and tells caches to). */
  JWKS_CACHE_TTL: envDuration('60s'),
  /** GET /oauth/authorize, the GitHub callback and the consent form, per client address. */
  RATE_LIMIT_AUTHORIZE_PER_IP: envRateLimit('60/1m'),
  /** POST /oauth/token per client address. */
  RATE_LIMIT_TOKEN_PER_IP: envRateLimit('300/1m'),
  /** POST /oauth/token per client_id (ChatGPT uses one client id for all its users: keep it generous). */
  RATE_LIMIT_TOKEN_PER_CLIENT: envRateLimit('1200/1m'),
  /** POST /oauth/register and the RFC 7592 management calls, per client address. */
  RATE_LIMIT_REGISTER_PER_IP: envRateLimit('60/1h'),
  /** POST /oauth/revoke and /oauth/introspect, per client address. */
  RATE_LIMIT_REVOKE_PER_IP: envRateLimit('120/1m'),
  /** The connected-apps pages (/account), per client address. */
  RATE_LIMIT_ACCOUNT_PER_IP: envRateLimit('60/1m'),
};

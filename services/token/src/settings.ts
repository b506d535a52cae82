import type { Config } from './config.ts';

/** What the domain needs to know about this deployment, derived once from the configuration. */
export interface Settings {
  /** `iss` of every access token; the gateway's PUBLIC_URL without a trailing slash. */
  issuer: string;
  /** The one protected resource, `${issuer}/mcp`: every access token's `aud` (RFC 8707, RFC 9068). */
  resource: string;
  tokenEndpoint: string;
  revocationEndpoint: string;
  introspectionEndpoint: string;
  /** RFC 7592 `registration_client_uri` of a registered client. */
  registrationClientUri(clientId: string): string;
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  refreshTokenIdleTtlMs: number;
  refreshReuseGraceMs: number;
  codeTtlMs: number;
  clientAssertionMaxAgeMs: number;
  /** Development hosts (`host:port`) allowed over http and on private addresses. */
  devHosts: ReadonlySet<string>;
}

export function settingsFrom(config: Config): Settings {
  const issuer = config.PUBLIC_URL;
  return {
    issuer,
    resource: `${issuer}/mcp`,
    tokenEndpoint: `${issuer}/oauth/token`,
    revocationEndpoint: `${issuer}/oauth/revoke`,
    introspectionEndpoint: `${issuer}/oauth/introspect`,
    registrationClientUri: (clientId) => `${issuer}/oauth/register/${encodeURIComponent(clientId)}`,
    accessTokenTtlMs: config.ACCESS_TOKEN_TTL,
    refreshTokenTtlMs: config.REFRESH_TOKEN_TTL,
    refreshTokenIdleTtlMs: config.REFRESH_TOKEN_IDLE_TTL,
    refreshReuseGraceMs: config.REFRESH_REUSE_GRACE,
    codeTtlMs: config.AUTHORIZATION_CODE_TTL,
    clientAssertionMaxAgeMs: config.CLIENT_ASSERTION_MAX_AGE,
    devHosts: new Set(config.CIMD_ALLOWED_HOSTS.map((host) => host.toLowerCase())),
  };
}

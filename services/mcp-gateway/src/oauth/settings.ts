import { ConfigError } from '@gatehouse/config';
import type { Config } from '../config.ts';

/** Values derived once from the configuration, shared by every OAuth endpoint and page. */
export interface OauthSettings {
  /** PUBLIC_URL without a trailing slash: the RFC 8414 `issuer`, compared string for string by clients. */
  issuer: string;
  /** The MCP resource: `${issuer}/mcp` (RFC 9728 `resource`, RFC 8707 audience). */
  resource: string;
  /** Cookies get `Secure` (and may use the `__Host-` prefix) only when the public URL is https. */
  secureCookies: boolean;
  sessionCookieName: string;
  resourceName: string;
  resourceDocumentation: string;
  serviceDocumentation: string;
}

/**
 * Cross-field rules the schema alone cannot state. The issuer must be an origin: RFC 8414 §3 puts
 * a path issuer's metadata at `/.well-known/oauth-authorization-server/<path>`, which a
 * path-prefixed deployment would not route to the gateway.
 */
export function oauthSettings(config: Config): OauthSettings {
  const problems: string[] = [];
  const url = new URL(config.PUBLIC_URL);
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username || url.password) {
    problems.push(
      'PUBLIC_URL: must be an origin (scheme, host, optional port), without path, query or fragment',
    );
  }
  const issuer = url.origin;
  const secureCookies = url.protocol === 'https:';
  const sessionCookieName =
    config.SESSION_COOKIE_NAME ?? (secureCookies ? '__Host-gatehouse_session' : 'gatehouse_session');
  if (!secureCookies && /^__(Host|Secure)-/i.test(sessionCookieName)) {
    problems.push('SESSION_COOKIE_NAME: the __Host- and __Secure- prefixes need an https PUBLIC_URL');
  }
  if (problems.length > 0) throw new ConfigError('mcp-gateway', problems);
  return {
    issuer,
    resource: `${issuer}/mcp`,
    secureCookies,
    sessionCookieName,
    resourceName: config.RESOURCE_NAME,
    resourceDocumentation: config.RESOURCE_DOCUMENTATION_URL ?? `${issuer}/`,
    serviceDocumentation: config.SERVICE_DOCUMENTATION_URL ?? `${issuer}/`,
  };
}

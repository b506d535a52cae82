import { isScope, parseScope } from '@gatehouse/proto';

/**
 * OpenID Connect scopes that MCP clients add on their own (ChatGPT requests `openid email profile`
 * when it sees them advertised, Claude adds `offline_access`). Gatehouse grants none of them, and
 * refusing them would break those clients, so they are dropped rather than refused.
 */
const IGNORED_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'offline_access']);

export interface ParsedScope {
  /** Catalog scopes, unique, in request order. */
  scopes: string[];
  /** Tokens that are neither catalog scopes nor ignored OIDC scopes. */
  unknown: string[];
}

/** Splits an RFC 6749 §3.3 scope string into catalog scopes and unknown tokens. */
export function parseRequestedScope(value: string | undefined): ParsedScope {
  const scopes: string[] = [];
  const unknown: string[] = [];
  for (const token of parseScope(value)) {
    if (isScope(token)) scopes.push(token);
    else if (!IGNORED_SCOPES.has(token)) unknown.push(token);
  }
  return { scopes, unknown };
}

/** Whether an RFC 6749 §3.3 scope token is well formed (printable ASCII except space, " and \). */
export function isScopeToken(value: string): boolean {
  return /^[\x21\x23-\x5B\x5D-\x7E]+$/.test(value);
}

import type { ClientReturn } from '../errors.ts';

/**
 * The authorization response sent to the client's redirect URI (RFC 6749 §4.1.2 and §4.1.2.1):
 * the given parameters, the client's `state` when it sent one, and `iss` (RFC 9207 §2) so the client
 * can tell which authorization server answered (mix-up defence). The URI's own query is kept (§3.1.2).
 */
export function clientRedirectUrl(
  issuer: string,
  returnTo: ClientReturn,
  params: Readonly<Record<string, string>>,
): string {
  const url = new URL(returnTo.redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  if (returnTo.state !== null) url.searchParams.set('state', returnTo.state);
  url.searchParams.set('iss', issuer);
  return url.href;
}

/**
 * `http://` + a loopback host + an optional port, at the start of a URI. RFC 8252 §7.3 lets native
 * apps pick the port at run time; `localhost` is included because clients such as Claude Code
 * register it (RFC 8252 §8.3 prefers the IP literals, and the rest of the URI still matches exactly).
 */
const LOOPBACK_PREFIX = /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)(?::(\d{1,5}))?(?=[/?]|$)/;

/** The URI with its loopback port removed; null when it is not an http loopback URI. */
function withoutLoopbackPort(uri: string): string | null {
  const match = LOOPBACK_PREFIX.exec(uri);
  if (!match || Number(match[2] ?? 0) > 65_535) return null;
  return `http://${match[1]}${uri.slice(match[0].length)}`;
}

/**
 * Redirect URIs are compared as strings, exactly (OAuth 2.1 §4.1.1, RFC 9700 §4.1.3), except that a
 * loopback redirect URI matches on any port (RFC 8252 §7.3). No normalisation: `/cb/../cb` is not `/cb`.
 */
export function redirectUriMatches(registered: string, requested: string): boolean {
  if (registered === requested) return true;
  const a = withoutLoopbackPort(registered);
  const b = withoutLoopbackPort(requested);
  return a !== null && a === b;
}

/** The host (and port) the browser will be sent to, for the consent page. */
export function redirectHost(uri: string): string {
  try {
    const url = new URL(uri);
    return url.host || url.protocol.replace(/:$/, '');
  } catch {
    return '';
  }
}

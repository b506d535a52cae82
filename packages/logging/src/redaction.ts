/**
 * Keys whose values are secrets wherever they appear in a log object. pino's redaction is
 * compiled once (fast-redact), so listing paths costs nothing per line; a deep scan would.
 */
export const REDACTED_KEYS = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'accessToken',
  'refreshToken',
  'client_secret',
  'clientSecret',
  'code_verifier',
  'codeVerifier',
  'client_assertion',
  'assertion',
  'registration_access_token',
  'upstream_token',
  'upstreamToken',
  'csrf_token',
  'session_id',
  'sessionId',
] as const;

function pathFor(prefix: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${prefix}${prefix ? '.' : ''}${key}` : `${prefix}["${key}"]`;
}

/**
 * `code` is a secret only as an OAuth parameter; as a key anywhere it would also hide error codes
 * (`err.code`), so it is redacted only inside request parameters.
 */
const PARAMETER_CONTAINERS = ['params', 'query', 'body', 'form'];

/** Redaction paths: each key at the top level and up to three levels deep (headers, params, bodies). */
export function redactPaths(keys: readonly string[] = REDACTED_KEYS): string[] {
  const prefixes = ['', '*', '*.*', '*.*.*'];
  const everywhere = prefixes.flatMap((prefix) => keys.map((key) => pathFor(prefix, key)));
  const oauthCode = ['', '*.'].flatMap((prefix) => PARAMETER_CONTAINERS.map((c) => `${prefix}${c}.code`));
  return [...everywhere, ...oauthCode];
}

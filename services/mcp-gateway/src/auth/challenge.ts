import { BearerError } from './errors.ts';

export interface ChallengeContext {
  /** RFC 9728 §5.1: where the client finds this resource's metadata. */
  resourceMetadataUrl: string;
  /** Scopes a client without a token should ask for (the 401's `scope`). */
  defaultScopes: readonly string[];
}

/**
 * RFC 6750 §3: auth-param values are quoted-strings, and `error_description` may use only
 * %x20-21 / %x23-5B / %x5D-7E. Anything else (quotes, backslashes, non-ASCII) is replaced, so a
 * description can never break the header's syntax.
 */
function quoted(value: string): string {
  return `"${value.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '?')}"`;
}

/** One `Bearer` challenge: `Bearer name="value", ...` (RFC 9110 §11.6.1). */
export function bearerChallenge(params: Record<string, string | undefined>): string {
  const pairs = Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}=${quoted(value)}`);
  return `Bearer ${pairs.join(', ')}`;
}

/**
 * The HTTP answer to a bearer-layer refusal. The body is a JSON-RPC error without an id, the
 * shape every error on /mcp has (MCP transports: "the HTTP response body MAY comprise a JSON-RPC
 * error response that has no id"); the OAuth code, when there is one, rides in `data.error`.
 */
export interface HttpRefusal {
  status: number;
  headers: Record<string, string>;
  body: { jsonrpc: '2.0'; error: { code: number; message: string; data?: { error: string } }; id: null };
}

function refusalBody(message: string, oauthCode: string | undefined): HttpRefusal['body'] {
  return {
    jsonrpc: '2.0',
    error: { code: -32000, message, ...(oauthCode ? { data: { error: oauthCode } } : {}) },
    id: null,
  };
}

/**
 * Maps a BearerError to the wire, once:
 * - no credentials: 401 with `resource_metadata` and `scope` only (RFC 6750 §3.1; MCP
 *   authorization "Protected Resource Metadata Discovery" reads `resource_metadata`);
 * - a bad token: 401 `invalid_token` with a description; a malformed request: 400 `invalid_request`;
 * - a missing scope: 403 `insufficient_scope` with every scope the request needs (MCP 2025-11-25
 *   "Scope Challenge Handling");
 * - keys unreadable: 503 with Retry-After, no challenge (the token may be fine).
 */
export function toHttpRefusal(error: BearerError, context: ChallengeContext): HttpRefusal {
  if (error.kind === 'unavailable') {
    return {
      status: 503,
      headers: { 'Retry-After': '5' },
      body: refusalBody(error.description, 'temporarily_unavailable'),
    };
  }
  const code = error.oauthCode;
  const scope = error.kind === 'insufficient_scope' ? error.scopes : context.defaultScopes;
  const challenge = bearerChallenge({
    resource_metadata: context.resourceMetadataUrl,
    scope: scope.join(' '),
    error: code,
    error_description: code ? error.description : undefined,
  });
  const status = code === 'invalid_request' ? 400 : code === 'insufficient_scope' ? 403 : 401;
  return {
    status,
    headers: { 'WWW-Authenticate': challenge },
    body: refusalBody(error.description, code),
  };
}

/**
 * The `_meta["mcp/www_authenticate"]` value ChatGPT reads from a tool result (Apps SDK auth): the
 * same challenge, with `error` and `error_description` always present as the Apps SDK requires.
 * `scopes` overrides the scope to ask for (a reconnect keeps the scopes already granted).
 */
export function toolResultChallenge(
  error: BearerError,
  context: ChallengeContext,
  scopes?: readonly string[],
): string[] {
  const scope = scopes ?? (error.kind === 'insufficient_scope' ? error.scopes : context.defaultScopes);
  return [
    bearerChallenge({
      resource_metadata: context.resourceMetadataUrl,
      scope: scope.join(' '),
      error: error.oauthCode ?? 'invalid_token',
      error_description: error.description,
    }),
  ];
}

export { BearerError };

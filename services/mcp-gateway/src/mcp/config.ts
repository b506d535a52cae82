import { envBoolean, envDuration, envList } from '@gatehouse/config';
import { isScope, parseScope, type Scope } from '@gatehouse/proto';
import { z } from 'zod';

const browserOrigin = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}, 'each entry must be an origin such as https://inspector.example.com (scheme, host, optional port; no path, no *)');

const scopeList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, context): Scope[] => {
      const scopes = parseScope(value);
      const unknown = scopes.filter((scope) => !isScope(scope));
      if (scopes.length === 0 || unknown.length > 0) {
        context.addIssue({
          code: 'custom',
          message: `must be scopes from the catalog (unknown: ${unknown})`,
        });
        return z.NEVER;
      }
      return scopes as Scope[];
    });

/** The /mcp surface's variables; spread into the gateway's schema in src/config.ts. */
export const mcpEnv = {
  /** Scopes the 401 challenge on /mcp asks a new client for; tools needing more ask by step-up. */
  MCP_DEFAULT_SCOPES: scopeList('repos:read issues:read'),
  /** Hide the tools that write to GitHub (create_issue, create_pull_request). */
  READ_ONLY_TOOLS: envBoolean(false),
  /** Browser origins allowed to call /mcp besides PUBLIC_URL's own (Inspector in direct mode), comma-separated. */
  MCP_ALLOWED_ORIGINS: envList().pipe(z.array(browserOrigin)),
  /** Deadline of a tool's request to the GitHub worker. */
  MCP_TOOL_TIMEOUT: envDuration('15s').refine(
    (ms) => ms >= 1_000 && ms <= 120_000,
    'must be between 1s and 2m',
  ),
  /** Longest access-token lifetime accepted (exp - iat); must be at least the token service's lifetime. Revocations are replayed this far back. */
  MCP_ACCESS_TOKEN_MAX_LIFETIME: envDuration('1h').refine(
    (ms) => ms >= 60_000 && ms <= 86_400_000,
    'must be between 1m and 24h',
  ),
  /** Clock skew tolerated on exp, nbf and iat. */
  MCP_TOKEN_CLOCK_LEEWAY: envDuration('5s').refine((ms) => ms <= 60_000, 'must be at most 60s'),
  /** How often the token-signing keys are re-read from the token service. */
  MCP_JWKS_REFRESH_INTERVAL: envDuration('5m').refine((ms) => ms >= 10_000, 'must be at least 10s'),
  /** Least time between two re-reads caused by tokens naming an unknown key id (a flood of random kids cannot hammer the bus). */
  MCP_JWKS_REFETCH_COOLDOWN: envDuration('10s').refine((ms) => ms >= 1_000, 'must be at least 1s'),
  /** How a missing scope is answered: auto (ChatGPT gets a tool result, others HTTP 403), http, or tool-result. */
  MCP_STEP_UP_CHALLENGE: z.enum(['auto', 'http', 'tool-result']).default('auto'),
  /** Longest life of a GET /mcp event stream (it also ends when its token expires); clients reconnect. */
  MCP_SSE_MAX_DURATION: envDuration('10m').refine((ms) => ms >= 10_000, 'must be at least 10s'),
  /** Origins the widgets may open links to (GitHub's web host; add a GitHub Enterprise host), comma-separated. */
  MCP_WIDGET_LINK_ORIGINS: envList(['https://github.com']).pipe(z.array(browserOrigin)),
};

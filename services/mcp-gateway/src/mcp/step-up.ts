import { ALL_SCOPES, SCOPES } from '@gatehouse/proto';
import type { AccessToken } from '../auth/access-token.ts';
import { BearerError } from '../auth/errors.ts';
import type { ToolDefinition } from './tools/tool.ts';

/**
 * The step-up answer for a tool whose scope the token lacks. The challenge's `scope` lists every
 * scope the client needs, the ones already granted included (MCP 2025-11-25 "Scope Challenge
 * Handling": the client re-authorizes with that set, so it must not lose what it had).
 */
export function missingScopeError(token: AccessToken, tool: ToolDefinition): BearerError {
  const required = tool.scope!;
  const needed = new Set([...token.scopes, required]);
  const ordered = [
    ...ALL_SCOPES.filter((scope) => needed.has(scope)),
    ...[...needed].filter((s) => !ALL_SCOPES.includes(s as never)),
  ];
  return BearerError.insufficientScope(
    ordered,
    `The ${tool.name} tool needs the ${required} scope (${SCOPES[required].title.toLowerCase()}); authorize again to grant it.`,
    token,
  );
}

/** How a missing scope is answered (MCP_STEP_UP_CHALLENGE). */
export type StepUpMode = 'auto' | 'http' | 'tool-result';

/**
 * Whether a tools/call comes from ChatGPT (or another Apps SDK host): it sends its hints in the
 * request's `_meta` under `openai/` keys (`openai/userAgent`, `openai/locale`, …). Those hosts
 * re-run OAuth on a tool result's `_meta["mcp/www_authenticate"]` and treat an HTTP 403 on a tool
 * call as a failure, while Claude and the MCP SDK react only to the HTTP 403 challenge.
 */
export function isAppsSdkHost(params: unknown): boolean {
  const meta = (params as { _meta?: unknown } | undefined)?._meta;
  if (typeof meta !== 'object' || meta === null) return false;
  return Object.keys(meta).some((key) => key.startsWith('openai/'));
}

/** True when the missing scope should be answered with HTTP 403, false for a tool result. */
export function answersWithHttp(mode: StepUpMode, params: unknown): boolean {
  if (mode === 'http') return true;
  if (mode === 'tool-result') return false;
  return !isAppsSdkHost(params);
}

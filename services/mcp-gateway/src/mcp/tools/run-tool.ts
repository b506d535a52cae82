import type { EventPublisher } from '@gatehouse/bus';
import { SCOPES } from '@gatehouse/proto';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { hasScope } from '../../auth/access-token.ts';
import { BearerError, type ChallengeContext, toolResultChallenge } from '../../auth/challenge.ts';
import type { RequestOrigin } from '../../auth/rejection-events.ts';
import { recordToolCall } from '../audit.ts';
import { missingScopeError } from '../step-up.ts';
import { failureOf } from './failures.ts';
import type { ToolContext, ToolDefinition } from './tool.ts';

export interface RunToolDeps {
  events: Pick<EventPublisher, 'emit'>;
  challenge: ChallengeContext;
  origin: RequestOrigin;
}

/** `_meta` key of a failure the widgets read to show their connect prompt. */
export const ERROR_META_KEY = 'gatehouse/error';

function errorResult(message: string, meta: Record<string, unknown>): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: message }], _meta: meta };
}

/**
 * Runs one tool call: the scope check (answered as a tool result carrying the step-up challenge,
 * for hosts like ChatGPT that read `_meta["mcp/www_authenticate"]`; HTTP-reading clients were
 * already answered 403 by the step-up gate), the worker call, the mapping of its errors, and the
 * `gateway.tool.called` event.
 */
export async function runTool(
  tool: ToolDefinition,
  args: unknown,
  context: ToolContext,
  deps: RunToolDeps,
): Promise<CallToolResult> {
  const started = performance.now();
  const repository = tool.repositoryOf?.(args as never);
  const record = { tool: tool.name, token: context.token, repository, origin: deps.origin };

  if (tool.scope && !hasScope(context.token, tool.scope)) {
    const error = missingScopeError(context.token, tool);
    recordToolCall(deps.events, { ...record, outcome: 'denied', reason: 'insufficient_scope', latencyMs: 0 });
    return errorResult(error.description, {
      'mcp/www_authenticate': toolResultChallenge(error, deps.challenge),
      [ERROR_META_KEY]: {
        code: 'insufficient_scope',
        message: error.description,
        scopes: error.scopes,
        missing: [{ scope: tool.scope, title: SCOPES[tool.scope].title }],
      },
    });
  }

  try {
    const outcome = await tool.run(args as never, context);
    recordToolCall(deps.events, {
      ...record,
      outcome: 'success',
      latencyMs: performance.now() - started,
      githubRequestId: outcome.githubRequestId,
    });
    return {
      content: [{ type: 'text', text: outcome.text }],
      structuredContent: outcome.structuredContent as Record<string, unknown>,
    };
  } catch (error) {
    const failure = failureOf(error);
    recordToolCall(deps.events, {
      ...record,
      outcome: 'failure',
      reason: failure.code,
      latencyMs: performance.now() - started,
    });
    const meta: Record<string, unknown> = {
      [ERROR_META_KEY]: { code: failure.code, message: failure.message },
    };
    if (failure.reconnect) {
      // ChatGPT re-runs the OAuth flow on this challenge; the new authorization signs in with
      // GitHub again, which renews the upstream token.
      meta['mcp/www_authenticate'] = toolResultChallenge(
        BearerError.rejected('upstream_connection', context.token),
        deps.challenge,
        context.token.scopes,
      );
      meta[ERROR_META_KEY] = { code: 'reconnect_required', message: failure.message };
    }
    return errorResult(failure.message, meta);
  }
}

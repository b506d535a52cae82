import type { EventPublisher } from '@gatehouse/bus';
import { type AccessToken, hasScope } from '../../auth/access-token.ts';
import type { BearerError } from '../../auth/errors.ts';
import type { RequestOrigin } from '../../auth/rejection-events.ts';
import { recordToolCall } from '../audit.ts';
import { answersWithHttp, missingScopeError, type StepUpMode } from '../step-up.ts';
import type { ToolDefinition } from '../tools/tool.ts';

/**
 * The HTTP half of step-up. A `tools/call` for a tool whose scope the token lacks is answered
 * here with HTTP 403 + `WWW-Authenticate: Bearer error="insufficient_scope", scope=…` for the
 * clients that read HTTP (Claude, the MCP SDK, Inspector), before the call reaches the MCP server.
 * Calls from Apps SDK hosts (ChatGPT) pass through, and the tool answers them with an error result
 * carrying the same challenge in `_meta["mcp/www_authenticate"]` (see run-tool.ts): one HTTP
 * response cannot be both, so the request decides which one it gets.
 */
export class StepUpGate {
  readonly #tools: ReadonlyMap<string, ToolDefinition>;
  readonly #mode: StepUpMode;
  readonly #events: Pick<EventPublisher, 'emit'>;

  constructor(options: {
    tools: ReadonlyMap<string, ToolDefinition>;
    mode: StepUpMode;
    events: Pick<EventPublisher, 'emit'>;
  }) {
    this.#tools = options.tools;
    this.#mode = options.mode;
    this.#events = options.events;
  }

  /** The refusal for the first tool call in `messages` that needs more scope, if any. */
  check(messages: readonly unknown[], token: AccessToken, origin: RequestOrigin): BearerError | undefined {
    for (const message of messages) {
      const { method, params } = message as { method?: unknown; params?: { name?: unknown } };
      if (method !== 'tools/call' || typeof params?.name !== 'string') continue;
      const tool = this.#tools.get(params.name);
      if (!tool?.scope || hasScope(token, tool.scope) || !answersWithHttp(this.#mode, params)) continue;
      recordToolCall(this.#events, {
        tool: tool.name,
        token,
        outcome: 'denied',
        reason: 'insufficient_scope',
        latencyMs: 0,
        repository: repositoryOf(tool, (params as { arguments?: unknown }).arguments),
        origin,
      });
      return missingScopeError(token, tool);
    }
    return undefined;
  }
}

/** The repository of a call whose arguments have not been validated yet: only if they are valid. */
function repositoryOf(tool: ToolDefinition, args: unknown): string | undefined {
  if (!tool.repositoryOf) return undefined;
  const parsed = tool.input.safeParse(args ?? {});
  return parsed.success ? tool.repositoryOf(parsed.data) : undefined;
}

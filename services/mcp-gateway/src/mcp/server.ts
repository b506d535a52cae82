import type { Bus, EventPublisher } from '@gatehouse/bus';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ListToolsRequestSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { AccessToken } from '../auth/access-token.ts';
import type { ChallengeContext } from '../auth/challenge.ts';
import type { RequestOrigin } from '../auth/rejection-events.ts';
import { runTool } from './tools/run-tool.ts';
import type { ToolDefinition } from './tools/tool.ts';
import type { WidgetName } from './widgets/catalog.ts';
import { registerWidgetResources, type WidgetPolicy } from './widgets/resources.ts';

const INSTRUCTIONS =
  "Gatehouse works on the user's GitHub account with the access they granted: list and read repositories, " +
  'branches and issues, search issues and pull requests, and (when granted) create issues and open pull requests. ' +
  'Use whoami to see the account and granted scopes. Lists are paged: pass next_cursor back as cursor.';

/** What every request's MCP server shares: built once at start. */
export interface McpServerShared {
  tools: ReadonlyMap<string, ToolDefinition>;
  /** tools/list, precomputed (the descriptors never change while the process runs). */
  descriptors: Tool[];
  widgets: ReadonlyMap<WidgetName, string>;
  widgetPolicy: WidgetPolicy;
  bus: Pick<Bus, 'request'>;
  events: Pick<EventPublisher, 'emit'>;
  challenge: ChallengeContext;
  toolTimeoutMs: number;
  version: string;
}

/**
 * The SDK's JSON Schema validator, shared: a server left to itself builds a new Ajv (with its
 * formats) for every request, the largest part of setting up a per-request server.
 */
const jsonSchemaValidator = new AjvJsonSchemaValidator();

/** Who this one request acts for. */
export interface McpRequestContext {
  token: AccessToken;
  origin: RequestOrigin;
}

/**
 * The MCP server for one HTTP request. The gateway runs the Streamable HTTP transport stateless
 * (no session: any replica answers any request), so each request gets its own server bound to
 * the request's verified token; building it is a few object allocations.
 */
export function createMcpServer(shared: McpServerShared, request: McpRequestContext): McpServer {
  const server = new McpServer(
    { name: 'gatehouse', title: 'Gatehouse for GitHub', version: shared.version },
    { instructions: INSTRUCTIONS, jsonSchemaValidator },
  );
  const context = {
    token: request.token,
    caller: {
      userId: request.token.userId,
      grantId: request.token.grantId,
      clientId: request.token.clientId,
    },
    bus: shared.bus,
    timeoutMs: shared.toolTimeoutMs,
  };
  const deps = { events: shared.events, challenge: shared.challenge, origin: request.origin };
  for (const tool of shared.tools.values()) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        outputSchema: tool.output,
        annotations: tool.annotations,
      },
      (args: unknown) => runTool(tool, args, context, deps),
    );
  }
  // The SDK's listing has no place for the Apps SDK's top-level `securitySchemes`.
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: shared.descriptors }));
  registerWidgetResources(server, shared.widgets, shared.widgetPolicy);
  return server;
}

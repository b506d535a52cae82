// Minimal MCP Streamable HTTP client (stateless server): JSON-RPC POSTs to /mcp with a bearer token.
import { answer, type HttpAnswer } from './oauth-client.ts';

export const MCP_PROTOCOL_VERSION = '2025-06-18';

export interface JsonRpcAnswer extends HttpAnswer {
  /** The JSON-RPC message: parsed from JSON, or from the first SSE `data:` line. */
  message: Record<string, unknown> | undefined;
}

export function mcpHeaders(token: string | undefined): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': MCP_PROTOCOL_VERSION,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
}

export function parseJsonRpc(text: string): Record<string, unknown> | undefined {
  const candidates = [
    text,
    ...text
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5)),
  ];
  for (const candidate of candidates) {
    try {
      const parsed = JSON.parse(candidate) as unknown;
      if (parsed && typeof parsed === 'object') return parsed as Record<string, unknown>;
    } catch {
      // next
    }
  }
  return undefined;
}

export async function mcpCall(
  resource: string,
  token: string | undefined,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonRpcAnswer> {
  const result = await answer(
    await fetch(resource, {
      method: 'POST',
      headers: { ...mcpHeaders(token), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
  return { ...result, message: parseJsonRpc(result.text) };
}

export function toolCall(name: string, args: Record<string, unknown> = {}, id: number | string = 1) {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } };
}

export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: {
    protocolVersion: MCP_PROTOCOL_VERSION,
    capabilities: {},
    clientInfo: { name: 'proof', version: '1' },
  },
};

import type { Response } from 'express';

// JSON-RPC 2.0 §5.1 error codes, and the implementation-defined range for transport refusals.
export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const INTERNAL_ERROR = -32603;
export const TRANSPORT_ERROR = -32000;

/**
 * Answers with a JSON-RPC error response that has no id (MCP transports: an HTTP error "MAY
 * comprise a JSON-RPC error response that has no id"): what every refusal on /mcp looks like.
 */
export function sendJsonRpcError(
  res: Response,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  res.status(status).set(headers).json({ jsonrpc: '2.0', error: { code, message }, id: null });
}

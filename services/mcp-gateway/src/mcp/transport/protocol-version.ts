import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';

/**
 * The MCP revisions this gateway speaks: those of the SDK it runs (1.32: 2025-11-25 down to
 * 2024-10-07; 2026-07-28 is not in it yet). An `initialize` negotiates the version in its body;
 * every later request names it in `MCP-Protocol-Version` (MCP 2025-06-18 transports, "Protocol
 * Version Header"), and an unsupported one is answered 400. No header means the client predates
 * the header (2025-03-26), which the SDK accepts.
 */
export const PROTOCOL_VERSIONS: readonly string[] = SUPPORTED_PROTOCOL_VERSIONS;

export function unsupportedProtocolVersion(header: string | undefined): string | undefined {
  if (header === undefined || PROTOCOL_VERSIONS.includes(header)) return undefined;
  return `Bad Request: Unsupported protocol version: ${header.slice(0, 64)} (supported versions: ${PROTOCOL_VERSIONS.join(', ')})`;
}

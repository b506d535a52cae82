import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ErrorCode,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import type { Request, Response } from 'express';
import { INVALID_REQUEST, sendJsonRpcError, TRANSPORT_ERROR } from './json-rpc.ts';

/** As the SDK's transport: a batch (MCP 2025-03-26) of at most this many messages. */
const MAX_BATCH = 100;

/**
 * The server's side of one POST: hands the client's messages to the SDK's protocol layer and
 * collects its responses. Notifications and requests the server would send back have no channel
 * in a plain JSON answer; the gateway's tools send none.
 */
export class JsonResponseTransport implements Transport {
  onmessage?: Transport['onmessage'];
  onclose?: () => void;
  onerror?: (error: Error) => void;
  readonly #waiting = new Map<RequestId, (message: JSONRPCMessage) => void>();

  async start(): Promise<void> {}

  /** Settles what is still waiting (nobody will read it: the client hung up), so nothing is held. */
  async close(): Promise<void> {
    for (const [id, answer] of this.#waiting) {
      answer({
        jsonrpc: '2.0',
        id,
        error: { code: ErrorCode.ConnectionClosed, message: 'Connection closed' },
      });
    }
    this.#waiting.clear();
    this.onclose?.();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if ('method' in message || !('id' in message) || message.id === undefined) return;
    const answer = this.#waiting.get(message.id);
    this.#waiting.delete(message.id);
    answer?.(message);
  }

  /** Settles with the responses to `messages`' requests, in the requests' order. */
  exchange(messages: readonly JSONRPCMessage[], extra: MessageExtraInfo): Promise<JSONRPCMessage[]> {
    const answers = messages.filter(isRequest).map(
      (request) =>
        new Promise<JSONRPCMessage>((resolve) => {
          this.#waiting.set(request.id, resolve);
        }),
    );
    for (const message of messages) this.onmessage?.(message, extra);
    return Promise.all(answers);
  }
}

function isRequest(message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId; method: string } {
  return 'method' in message && 'id' in message;
}

/**
 * Answers a POST to /mcp with JSON, as the SDK's Streamable HTTP transport does in stateless mode
 * with `enableJsonResponse` (and with its refusals: 406, 415, batches), without its conversion of
 * the Node request and response into web ones and back, which was the largest part of the SDK's
 * cost per tool call. The messages were checked to be JSON-RPC by the router.
 */
export async function serveJsonPost(req: Request, res: Response, server: McpServer): Promise<void> {
  const accept = req.get('accept') ?? '';
  if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
    return sendJsonRpcError(
      res,
      406,
      TRANSPORT_ERROR,
      'Not Acceptable: Client must accept both application/json and text/event-stream',
    );
  }
  if (req.body === undefined) {
    return sendJsonRpcError(
      res,
      415,
      TRANSPORT_ERROR,
      'Unsupported Media Type: Content-Type must be application/json',
    );
  }
  const batch = Array.isArray(req.body);
  const messages = (batch ? req.body : [req.body]) as JSONRPCMessage[];
  const problem = batchProblem(messages);
  if (problem) return sendJsonRpcError(res, 400, INVALID_REQUEST, problem);

  const transport = new JsonResponseTransport();
  // A client that hangs up before its answer: stop the work its requests started.
  res.on('close', () => {
    if (!res.writableFinished) void server.close();
  });
  await server.connect(transport);
  const extra: MessageExtraInfo = { requestInfo: { headers: req.headers } };
  if (!messages.some(isRequest)) {
    void transport.exchange(messages, extra);
    res.status(202).end();
    return;
  }
  const responses = await transport.exchange(messages, extra);
  if (res.destroyed) return;
  res.status(200).json(batch ? responses : responses[0]);
}

function batchProblem(messages: readonly JSONRPCMessage[]): string | undefined {
  if (messages.length > MAX_BATCH) return `Invalid Request: Batch must not exceed ${MAX_BATCH} messages`;
  const requestIds = messages.filter(isRequest).map((message) => message.id);
  if (new Set(requestIds).size !== requestIds.length)
    return 'Invalid Request: request ids in a batch must differ';
  const initializing = messages.some((message) => 'method' in message && message.method === 'initialize');
  if (initializing && messages.length > 1)
    return 'Invalid Request: Only one initialization request is allowed';
  return undefined;
}

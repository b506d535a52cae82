import type { Logger } from '@gatehouse/logging';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Request, Response } from 'express';

/** Open GET streams, so shutdown can end them instead of waiting for clients to hang up. */
export class OpenStreams {
  readonly #closers = new Set<() => Promise<void>>();

  add(close: () => Promise<void>): () => void {
    this.#closers.add(close);
    return () => this.#closers.delete(close);
  }

  get size(): number {
    return this.#closers.size;
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.#closers].map((close) => close()));
    this.#closers.clear();
  }
}

export interface ServeOptions {
  logger: Logger;
  streams: OpenStreams;
  /** For GET: epoch ms at which the event stream is ended (token expiry, or the longest life). */
  streamEndsAt?: number;
}

/**
 * Hands one GET or DELETE to a fresh SDK transport in stateless mode (`sessionIdGenerator:
 * undefined`): no Mcp-Session-Id is issued, so any replica behind a load balancer can answer any
 * request, and nothing is kept between requests. (POSTs are answered with plain JSON by
 * json-response.ts: tools send no progress notifications, and a JSON body passes every proxy
 * unbuffered-stream quirk.) GET opens the standalone SSE stream the spec allows; with no
 * session nothing is ever sent on it but the SDK's keep-alive comments, which is what a client
 * reconnecting after a long idle (ChatGPT) needs: a 200 stream, not a 405 it would retry in a loop.
 */
export async function serveWithSdk(
  req: Request,
  res: Response,
  server: McpServer,
  options: ServeOptions,
): Promise<void> {
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  transport.onerror = (error) => options.logger.debug({ err: error }, 'mcp transport refused a request');
  let timer: NodeJS.Timeout | undefined;
  const close = async () => {
    clearTimeout(timer);
    await transport.close();
    await server.close();
  };
  const forget = options.streams.add(close);
  res.on('close', () => {
    forget();
    void close();
  });
  if (options.streamEndsAt !== undefined) {
    timer = setTimeout(() => void close(), Math.max(0, options.streamEndsAt - Date.now()));
    timer.unref();
  }
  await server.connect(transport);
  await transport.handleRequest(req, res);
}

/**
 * Which browser origins may call /mcp (DNS-rebinding and cross-site protection; MCP transports
 * "Security Warning": servers MUST validate Origin). No Origin header means a server-side client
 * (ChatGPT's and Claude's backends, the SDK in Node): allowed, the bearer token is what counts.
 * A browser page is allowed only from the gateway's own origin or a configured one; `null`
 * (sandboxed frames, file://) never is.
 */
export class OriginPolicy {
  readonly #allowed: ReadonlySet<string>;

  constructor(publicUrl: string, allowedOrigins: readonly string[]) {
    this.#allowed = new Set([new URL(publicUrl).origin, ...allowedOrigins]);
  }

  allows(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    return this.#allowed.has(origin);
  }
}

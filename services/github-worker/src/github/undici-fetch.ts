import { Agent, type Dispatcher, EnvHttpProxyAgent, interceptors, request } from 'undici';

/**
 * The `fetch` the worker's Octokit calls: undici's `request` under the subset of fetch Octokit's
 * fetch wrapper uses (status, headers, `body`, `text()`, `arrayBuffer()`). The built-in fetch
 * reads a body through WHATWG streams, chunk by chunk; on a page of repositories (150 KB) that
 * is half the cost of the call, and undici's Node stream reads it for 0.6 ms less CPU
 * (bench/RESULTS.md, fourth session). Redirects are followed as fetch follows them (a renamed
 * repository answers 301), and undici drops Authorization when one leaves the origin.
 */
const dispatcher = githubDispatcher();

/**
 * Keep-alive connections, redirects followed, and, with `NODE_USE_ENV_PROXY=1` (Node's own switch
 * for its fetch, which identity's sign-in uses), the egress proxy of `HTTPS_PROXY` / `HTTP_PROXY`
 * except for the hosts in `NO_PROXY`.
 */
export function githubDispatcher(env: NodeJS.ProcessEnv = process.env): Dispatcher {
  const options = { keepAliveTimeout: 10_000 };
  const connections =
    env.NODE_USE_ENV_PROXY === '1'
      ? new EnvHttpProxyAgent({
          ...options,
          httpProxy: env.HTTP_PROXY ?? env.http_proxy,
          httpsProxy: env.HTTPS_PROXY ?? env.https_proxy,
          noProxy: env.NO_PROXY ?? env.no_proxy,
        })
      : new Agent(options);
  return connections.compose(interceptors.redirect({ maxRedirections: 10 }));
}

export async function undiciFetch(
  url: string | URL,
  init: RequestInit & { dispatcher?: Dispatcher } = {},
): Promise<OctokitFetchResponse> {
  const answer = await request(url, {
    method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
    headers: init.headers as Record<string, string> | undefined,
    body: init.body as string | Uint8Array | null | undefined,
    signal: init.signal ?? undefined,
    dispatcher: init.dispatcher ?? dispatcher,
  });
  return new OctokitFetchResponse(String(url), answer);
}

/** What Octokit reads of a fetch Response; `body` is undici's (a Node stream with text()). */
export class OctokitFetchResponse {
  readonly url: string;
  readonly status: number;
  readonly statusText: string;
  readonly headers: ResponseHeaders;
  readonly body: Dispatcher.ResponseData['body'];

  constructor(url: string, answer: Dispatcher.ResponseData) {
    this.url = url;
    this.status = answer.statusCode;
    this.statusText = answer.statusText;
    this.headers = new ResponseHeaders(answer.headers);
    this.body = answer.body;
  }

  text(): Promise<string> {
    return this.body.text();
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.body.arrayBuffer();
  }
}

/** Lower-case names, repeated values joined with ", " (as fetch's Headers gives them). */
class ResponseHeaders {
  readonly #values = new Map<string, string>();

  constructor(raw: Dispatcher.ResponseData['headers']) {
    for (const [name, value] of Object.entries(raw)) {
      if (value !== undefined)
        this.#values.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
    }
  }

  get(name: string): string | null {
    return this.#values.get(name.toLowerCase()) ?? null;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.#values.entries();
  }
}

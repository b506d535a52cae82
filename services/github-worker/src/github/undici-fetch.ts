import { Agent, type Dispatcher, interceptors, request } from 'undici';

/**
 * The `fetch` the worker's Octokit calls: undici's `request` under the subset of fetch Octokit's
 * fetch wrapper uses (status, headers, `body`, `text()`, `arrayBuffer()`). The built-in fetch
 * reads a body through WHATWG streams, chunk by chunk; on a page of repositories (150 KB) that
 * is half the cost of the call, and undici's Node stream reads it for 0.6 ms less CPU
 * (bench/RESULTS.md, fourth session). Redirects are followed as fetch follows them (a renamed
 * repository answers 301), and undici drops Authorization when one leaves the origin.
 */
const dispatcher: Dispatcher = new Agent({ keepAliveTimeout: 10_000 }).compose(
  interceptors.redirect({ maxRedirections: 10 }),
);

export async function undiciFetch(url: string | URL, init: RequestInit = {}): Promise<OctokitFetchResponse> {
  const answer = await request(url, {
    method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
    headers: init.headers as Record<string, string> | undefined,
    body: init.body as string | Uint8Array | null | undefined,
    signal: init.signal ?? undefined,
    dispatcher,
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

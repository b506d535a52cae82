import { Readable } from 'node:stream';
import type { Octokit } from '@octokit/rest';

type Hook = Octokit['hook'];

/**
 * @octokit/request (v10 on) reads every JSON response with json-with-bigint, a JSON parser written
 * in JavaScript that keeps integers beyond 2^53 exact. GitHub's REST API sends none (its ids are far
 * below), and on a page of repositories that parser was half of the worker's CPU (bench/RESULTS.md,
 * third session). So the worker's Octokit is built with these `request` options, which leave the
 * body of a successful response unread (an Octokit option), and `readJsonNatively` reads it with
 * the built-in JSON.parse, as Octokit itself did before v10. Error responses keep Octokit's own
 * handling.
 */
export const UNREAD_SUCCESS_BODIES = { parseSuccessResponseBody: false } as const;

/**
 * Reads the bodies UNREAD_SUCCESS_BODIES left. Its wrap must see the final response, and a wrap
 * cannot change the options of those inside it, hence the constructor option.
 */
export function readJsonNatively(hook: Hook): void {
  hook.wrap('request', async (request, options) => {
    const response = await request(options);
    response.data = await readBody(response.data, response.headers['content-type']);
    return response;
  });
}

/** A body left unread: undici's (undici-fetch.ts) or, from the built-in fetch, a web stream. */
interface UnreadBody {
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

function unread(body: unknown): UnreadBody | undefined {
  if (body instanceof ReadableStream) return new Response(body);
  if (body instanceof Readable && 'text' in body && 'arrayBuffer' in body)
    return body as Readable & UnreadBody;
  return undefined;
}

/** What Octokit's own reading gives, by content type; a body Octokit did not leave (204) as is. */
async function readBody(body: unknown, contentType: string | undefined): Promise<unknown> {
  const response = unread(body);
  if (!response) return body;
  const [mediaType = ''] = (contentType ?? '').toLowerCase().split(';');
  const type = mediaType.trim();
  if (type === 'application/json' || type === 'application/scim+json') {
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  if (
    !contentType ||
    type.startsWith('text/') ||
    (/charset=utf-8/i.test(contentType) && type !== 'application/octet-stream')
  ) {
    return response.text();
  }
  return response.arrayBuffer();
}

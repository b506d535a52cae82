import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readJsonNatively, UNREAD_SUCCESS_BODIES } from './native-json.ts';
import { githubDispatcher, undiciFetch } from './undici-fetch.ts';

// Two origins: the API and "elsewhere", where a redirect may lead.
let api: Server;
let elsewhere: Server;
let apiUrl = '';
let elsewhereUrl = '';
const seenElsewhere: IncomingHttpHeaders[] = [];

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  api = createServer((req, res) => {
    if (req.url === '/repos/old/name') {
      return res.writeHead(301, { location: `${apiUrl}/repos/new/name` }).end();
    }
    if (req.url === '/repos/new/name') {
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.setHeader('x-github-request-id', 'ABCD:1');
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      return res.end(JSON.stringify({ full_name: 'new/name', seen: req.headers.authorization ?? null }));
    }
    if (req.url === '/away') return res.writeHead(302, { location: `${elsewhereUrl}/file` }).end();
    if (req.url === '/echo' && req.method === 'POST') {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end(body));
      return;
    }
    if (req.url === '/slow') return setTimeout(() => res.end('late'), 2_000).unref();
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
  });
  elsewhere = createServer((req, res) => {
    seenElsewhere.push(req.headers);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('file');
  });
  apiUrl = await listen(api);
  elsewhereUrl = await listen(elsewhere);
});
afterAll(async () => {
  api.closeAllConnections();
  await new Promise<void>((resolve) => api.close(() => resolve()));
  await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
});

function octokit() {
  const client = new Octokit({
    baseUrl: apiUrl,
    auth: 'gho_secret',
    request: { ...UNREAD_SUCCESS_BODIES, fetch: undiciFetch },
  });
  readJsonNatively(client.hook);
  return client;
}

describe("the worker's fetch (undici's request under Octokit)", () => {
  test('follows a redirect, keeping Authorization on the same origin, and gives Octokit the headers', async () => {
    const response = await octokit().request('GET /repos/{owner}/{repo}', { owner: 'old', repo: 'name' });
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ full_name: 'new/name', seen: 'token gho_secret' });
    expect(response.headers['x-github-request-id']).toBe('ABCD:1');
    expect(response.headers['set-cookie' as 'etag']).toBe('a=1, b=2');
  });

  test('drops Authorization when a redirect leaves the origin', async () => {
    const response = await octokit().request('GET /away');
    expect(response.data).toBe('file');
    expect(seenElsewhere.at(-1)?.authorization).toBeUndefined();
  });

  test('sends a JSON body and reads the answer', async () => {
    const response = await octokit().request('POST /echo', { title: 'Hello', labels: ['a'] });
    expect(response.status).toBe(201);
    expect(response.data).toEqual({ title: 'Hello', labels: ['a'] });
  });

  test('an error answer is Octokit’s RequestError with the parsed body', async () => {
    const error = await octokit()
      .request('GET /missing')
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 404, response: { data: { message: 'Not Found' } } });
  });

  test('an aborted signal ends the request', async () => {
    const signal = AbortSignal.timeout(50);
    const started = Date.now();
    await expect(undiciFetch(`${apiUrl}/slow`, { signal })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  test('goes through the egress proxy of HTTP_PROXY with NODE_USE_ENV_PROXY=1, except for NO_PROXY hosts', async () => {
    // A forward proxy for http targets (absolute-form requests; https ones would CONNECT) that
    // remembers which hosts it was asked for.
    const proxied: string[] = [];
    const proxy = createServer((req, res) => {
      const target = new URL(req.url ?? '');
      proxied.push(target.host);
      const forward = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.writeHead(502).end());
      req.pipe(forward);
    });
    const proxyUrl = await listen(proxy);
    const apiHost = new URL(apiUrl).host;
    try {
      const viaProxy = githubDispatcher({ NODE_USE_ENV_PROXY: '1', HTTP_PROXY: proxyUrl });
      const answer = await undiciFetch(`${apiUrl}/repos/new/name`, { dispatcher: viaProxy });
      expect(JSON.parse(await answer.text())).toMatchObject({ full_name: 'new/name' });
      expect(proxied).toEqual([apiHost]);

      const exempt = githubDispatcher({
        NODE_USE_ENV_PROXY: '1',
        HTTP_PROXY: proxyUrl,
        NO_PROXY: '127.0.0.1',
      });
      await (await undiciFetch(`${apiUrl}/repos/new/name`, { dispatcher: exempt })).text();
      const off = githubDispatcher({ HTTP_PROXY: proxyUrl });
      await (await undiciFetch(`${apiUrl}/repos/new/name`, { dispatcher: off })).text();
      expect(proxied).toEqual([apiHost]);
      await Promise.all([viaProxy.close(), exempt.close(), off.close()]);
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });
});

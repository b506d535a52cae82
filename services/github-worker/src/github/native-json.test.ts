import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { readJsonNatively, UNREAD_SUCCESS_BODIES } from './native-json.ts';

// A stand-in server for the shapes of answer Octokit distinguishes.
let server: Server;
let baseUrl = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    const send = (status: number, type: string | undefined, body: string) => {
      res.writeHead(status, type ? { 'content-type': type } : {}).end(body);
    };
    if (req.url === '/json')
      return send(200, 'application/json; charset=utf-8', '{"id":42,"name":"é","n":[1,2]}');
    if (req.url === '/big') return send(200, 'application/json', '{"id":12345678901234567890}');
    if (req.url === '/broken') return send(200, 'application/json', '{"id":');
    if (req.url === '/text') return send(200, 'text/plain', 'hello');
    if (req.url === '/binary') return send(200, 'application/octet-stream', 'abc');
    if (req.url === '/empty') return send(204, undefined, '');
    return send(404, 'application/json', '{"message":"Not Found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function clients() {
  const native = new Octokit({ baseUrl, request: UNREAD_SUCCESS_BODIES });
  readJsonNatively(native.hook);
  return { native, stock: new Octokit({ baseUrl }) };
}

describe('reading GitHub responses with the built-in JSON parser', () => {
  test('gives what Octokit gives, for JSON, broken JSON, text, binary and no content', async () => {
    const { native, stock } = clients();
    for (const path of ['/json', '/broken', '/text', '/binary']) {
      const [ours, theirs] = await Promise.all([native.request(`GET ${path}`), stock.request(`GET ${path}`)]);
      expect(ours.status).toBe(theirs.status);
      expect(ours.data).toEqual(theirs.data);
    }
    expect((await native.request('GET /json')).data).toEqual({ id: 42, name: 'é', n: [1, 2] });
    expect((await native.request('GET /empty')).status).toBe(204);
  });

  test('uses JSON.parse, not the JavaScript parser (whose mark is a BigInt past 2^53)', async () => {
    const { native, stock } = clients();
    const parse = vi.spyOn(JSON, 'parse');
    const ours = await native.request('GET /big');
    expect(parse).toHaveBeenCalledWith('{"id":12345678901234567890}');
    parse.mockRestore();
    expect(typeof (ours.data as { id: unknown }).id).toBe('number');
    expect(typeof ((await stock.request('GET /big')).data as { id: unknown }).id).toBe('bigint');
  });

  test('leaves error responses to Octokit: a RequestError with the parsed body', async () => {
    const { native } = clients();
    const error = await native.request('GET /missing').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 404, response: { data: { message: 'Not Found' } } });
  });
});

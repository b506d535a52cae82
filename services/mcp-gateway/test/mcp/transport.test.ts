import { describe, expect, test } from '@gatehouse/testing';
import { withTestEventStream } from '../oauth/event-stream.ts';
import { PUBLIC_URL, RESOURCE, RESOURCE_METADATA, startTestGateway, type TestGateway } from './harness.ts';
import { INITIALIZE, post } from './http.ts';
import { jwksOf, mintAccessToken, testSigningKey } from './tokens.ts';

const key = await testSigningKey();
const jwks = jwksOf(key);
const mint = (options: Parameters<typeof mintAccessToken>[1] | object = {}) =>
  mintAccessToken(key, { issuer: PUBLIC_URL, audience: RESOURCE, ...options });

let gateway: TestGateway;

describe('/mcp transport', () => {
  withTestEventStream();
  test.beforeAll(async ({ infrastructure, isolation }) => {
    gateway = await startTestGateway(infrastructure, isolation, {
      jwks: async () => jwks,
      env: { MCP_ALLOWED_ORIGINS: 'http://localhost:6274' },
    });
  });
  test.afterAll(async () => {
    await gateway?.close();
  });

  test('answers an unauthenticated initialize with 401 and the discovery challenge, no error code', async () => {
    const response = await post(gateway.mcpUrl, INITIALIZE);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${RESOURCE_METADATA}", scope="repos:read issues:read"`,
    );
    expect(await response.json()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32000, message: 'No access token was presented.' },
      id: null,
    });
  });

  test('answers a bad token with 401 invalid_token and says why', async () => {
    const expired = await mint({ issuedAt: Math.floor(Date.now() / 1000) - 1000, lifetimeSeconds: 900 });
    const response = await post(gateway.mcpUrl, INITIALIZE, { token: expired });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${RESOURCE_METADATA}", scope="repos:read issues:read", error="invalid_token", error_description="The access token has expired."`,
    );
    const forOtherResource = await mint({ audience: 'https://elsewhere.example/mcp' });
    const other = await post(gateway.mcpUrl, INITIALIZE, { token: forOtherResource });
    expect(other.status).toBe(401);
    expect(other.headers.get('www-authenticate')).toContain(
      'error_description="The access token was not issued for this resource."',
    );
  });

  test('refuses a token in the query string with 400 invalid_request', async () => {
    const token = await mint();
    const response = await post(gateway.mcpUrl, INITIALIZE, { query: `?access_token=${token}` });
    expect(response.status).toBe(400);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_request"');
    expect(response.headers.get('www-authenticate')).not.toContain(token);
  });

  test('serves initialize to a valid token, statelessly: no Mcp-Session-Id', async () => {
    const response = await post(gateway.mcpUrl, INITIALIZE, { token: await mint() });
    expect(response.status).toBe(200);
    expect(response.headers.get('mcp-session-id')).toBeNull();
    const body = await response.json();
    expect(body.result).toMatchObject({
      protocolVersion: '2025-11-25',
      serverInfo: { name: 'gatehouse' },
      capabilities: { tools: {}, resources: {} },
    });
  });

  test('negotiates 2025-06-18 with a client that asks for it', async () => {
    const response = await post(
      gateway.mcpUrl,
      { ...INITIALIZE, params: { ...INITIALIZE.params, protocolVersion: '2025-06-18' } },
      { token: await mint(), headers: { 'MCP-Protocol-Version': '2025-06-18' } },
    );
    expect((await response.json()).result.protocolVersion).toBe('2025-06-18');
  });

  test('refuses an unsupported MCP-Protocol-Version with 400 and a JSON-RPC error', async () => {
    const response = await post(
      gateway.mcpUrl,
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      { token: await mint(), headers: { 'MCP-Protocol-Version': '1999-01-01' } },
    );
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000 } });
    expect(body.error.message).toContain('Unsupported protocol version: 1999-01-01');
    expect(body.error.message).toContain('2025-06-18');
  });

  test('answers malformed bodies with well-formed JSON-RPC errors', async () => {
    const token = await mint();
    const broken = await post(gateway.mcpUrl, '{"jsonrpc": "2.0", "id": 1, "method"', { token });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32700, message: 'Parse error: Invalid JSON' },
      id: null,
    });
    const notRpc = await post(gateway.mcpUrl, { hello: 'world' }, { token });
    expect(notRpc.status).toBe(400);
    expect((await notRpc.json()).error.code).toBe(-32600);
    const empty = await post(gateway.mcpUrl, [], { token });
    expect((await empty.json()).error.code).toBe(-32600);
    const text = await post(gateway.mcpUrl, 'hi', { token, headers: { 'Content-Type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect((await text.json()).jsonrpc).toBe('2.0');
  });

  test('refuses a client that does not accept both JSON and event streams with 406', async () => {
    const token = await mint();
    for (const accept of ['application/json', 'text/event-stream', '*/*']) {
      const response = await post(gateway.mcpUrl, INITIALIZE, { token, headers: { Accept: accept } });
      expect(response.status, accept).toBe(406);
      expect(await response.json()).toEqual({
        jsonrpc: '2.0',
        error: {
          code: -32000,
          message: 'Not Acceptable: Client must accept both application/json and text/event-stream',
        },
        id: null,
      });
    }
  });

  test('answers notifications alone with 202 and no body', async () => {
    const response = await post(
      gateway.mcpUrl,
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { token: await mint() },
    );
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
  });

  test('answers a batch with the responses to its requests, in order, and a single message with one', async () => {
    const token = await mint();
    const batch = await post(
      gateway.mcpUrl,
      [
        { jsonrpc: '2.0', id: 'b', method: 'ping' },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { jsonrpc: '2.0', id: 'a', method: 'no/such/method' },
        { jsonrpc: '2.0', id: 3, method: 'tools/list' },
      ],
      { token },
    );
    expect(batch.status).toBe(200);
    const answers = await batch.json();
    expect(answers.map((answer: { id: unknown }) => answer.id)).toEqual(['b', 'a', 3]);
    expect(answers[0]).toEqual({ jsonrpc: '2.0', id: 'b', result: {} });
    expect(answers[1].error.code).toBe(-32601);
    expect(answers[2].result.tools.length).toBeGreaterThan(0);
    const single = await post(gateway.mcpUrl, { jsonrpc: '2.0', id: 9, method: 'ping' }, { token });
    expect(await single.json()).toEqual({ jsonrpc: '2.0', id: 9, result: {} });
  });

  test('refuses batches it cannot answer: initialize with others, repeated ids, more than 100', async () => {
    const token = await mint();
    const ping = (id: number) => ({ jsonrpc: '2.0', id, method: 'ping' });
    const cases: [unknown[], string][] = [
      [[INITIALIZE, ping(2)], 'Only one initialization request is allowed'],
      [[ping(1), ping(1)], 'request ids in a batch must differ'],
      [Array.from({ length: 101 }, (_, i) => ping(i)), 'Batch must not exceed 100 messages'],
    ];
    for (const [body, message] of cases) {
      const response = await post(gateway.mcpUrl, body, { token });
      expect(response.status, message).toBe(400);
      const answer = await response.json();
      expect(answer.error.code).toBe(-32600);
      expect(answer.error.message).toContain(message);
    }
  });

  test('refuses a browser Origin that is neither the gateway nor allowed, before anything else', async () => {
    const response = await post(gateway.mcpUrl, INITIALIZE, {
      token: await mint(),
      headers: { Origin: 'https://evil.example' },
    });
    expect(response.status).toBe(403);
    expect((await response.json()).error.message).toContain('Origin');
    const nullOrigin = await post(gateway.mcpUrl, INITIALIZE, {
      token: await mint(),
      headers: { Origin: 'null' },
    });
    expect(nullOrigin.status).toBe(403);
    const preflight = await fetch(gateway.mcpUrl, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('lets the gateway origin and configured origins in, exposing the challenge and session headers', async () => {
    const same = await post(gateway.mcpUrl, INITIALIZE, {
      token: await mint(),
      headers: { Origin: PUBLIC_URL },
    });
    expect(same.status).toBe(200);
    const preflight = await fetch(gateway.mcpUrl, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:6274',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type, mcp-protocol-version',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:6274');
    expect(preflight.headers.get('access-control-allow-headers')).toBe(
      'Authorization,Content-Type,Mcp-Session-Id,MCP-Protocol-Version,Last-Event-ID',
    );
    const unauthenticated = await post(gateway.mcpUrl, INITIALIZE, {
      headers: { Origin: 'http://localhost:6274' },
    });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('access-control-allow-origin')).toBe('http://localhost:6274');
    expect(unauthenticated.headers.get('access-control-expose-headers')).toBe(
      'WWW-Authenticate,Mcp-Session-Id',
    );
  });

  test('answers other methods with 405 and Allow', async () => {
    const response = await fetch(gateway.mcpUrl, { method: 'PUT' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST, DELETE');
  });

  test('answers GET with an event stream that stays open (no 405 to loop on), ending when the token expires', async () => {
    const token = await mint({ lifetimeSeconds: 2 });
    const started = Date.now();
    const response = await fetch(gateway.mcpUrl, {
      headers: {
        Accept: 'text/event-stream',
        Authorization: `Bearer ${token}`,
        'MCP-Protocol-Version': '2025-11-25',
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    const first = await Promise.race([
      reader.read(),
      new Promise((resolve) => setTimeout(() => resolve('still open'), 500)),
    ]);
    expect(first).toBe('still open');
    // The stream ends by itself at the token's expiry; the client reconnects with a fresh token.
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
    expect(Date.now() - started).toBeGreaterThan(1_000);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  test('answers GET without a token with the 401 challenge, so an idle client refreshes instead of looping', async () => {
    const response = await fetch(gateway.mcpUrl, { headers: { Accept: 'text/event-stream' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('resource_metadata=');
  });

  test('accepts DELETE (there is no session to end)', async () => {
    const response = await fetch(gateway.mcpUrl, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${await mint()}`, 'MCP-Protocol-Version': '2025-11-25' },
    });
    expect(response.status).toBe(200);
  });
});

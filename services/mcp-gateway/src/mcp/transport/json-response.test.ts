import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, test } from 'vitest';
import { JsonResponseTransport } from './json-response.ts';

const request = (id: number): JSONRPCMessage => ({ jsonrpc: '2.0', id, method: 'ping' });

describe('JsonResponseTransport', () => {
  test('answers each request with the response sent for its id, in the requests’ order', async () => {
    const transport = new JsonResponseTransport();
    transport.onmessage = (message) => {
      // Answered out of order, as concurrent handlers would.
      if ('id' in message && message.id === 1)
        setTimeout(() => transport.send({ jsonrpc: '2.0', id: 1, result: { one: true } }), 5);
      if ('id' in message && message.id === 2) void transport.send({ jsonrpc: '2.0', id: 2, result: {} });
    };
    const answers = await transport.exchange(
      [request(1), { jsonrpc: '2.0', method: 'notifications/x' }, request(2)],
      {},
    );
    expect(answers).toEqual([
      { jsonrpc: '2.0', id: 1, result: { one: true } },
      { jsonrpc: '2.0', id: 2, result: {} },
    ]);
  });

  test('closed before answering (the client hung up), it settles what waits: nothing is held', async () => {
    const transport = new JsonResponseTransport();
    let closed = false;
    transport.onclose = () => {
      closed = true;
    };
    const answers = transport.exchange([request(7)], {});
    await transport.close();
    expect(await answers).toEqual([
      { jsonrpc: '2.0', id: 7, error: { code: -32000, message: 'Connection closed' } },
    ]);
    expect(closed).toBe(true);
  });
});

import { fromBinary } from '@bufbuild/protobuf';
import { type Bus, eventStreamName } from '@gatehouse/bus';
import { type Event, EventSchema } from '@gatehouse/proto';
import { uniqueName } from '@gatehouse/testing';
import { AckPolicy, DeliverPolicy } from 'nats';

export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'test', version: '1.0.0' } },
};

export interface RpcOptions {
  token?: string;
  headers?: Record<string, string>;
  method?: string;
  query?: string;
}

/** One raw HTTP request to /mcp, as an MCP client sends it. */
export async function post(mcpUrl: string, body: unknown, options: RpcOptions = {}): Promise<Response> {
  return fetch(`${mcpUrl}${options.query ?? ''}`, {
    method: options.method ?? 'POST',
    headers: {
      Accept: 'application/json, text/event-stream',
      'Content-Type': 'application/json',
      'MCP-Protocol-Version': '2025-11-25',
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export function toolCall(
  name: string,
  args: Record<string, unknown>,
  meta?: Record<string, unknown>,
  id = 7,
) {
  return {
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) },
  };
}

/** Every event of the given types published on the bus's stream so far (waits for `count`). */
export async function publishedEvents(
  bus: Bus,
  types: string[],
  count: number,
  timeoutMs = 3_000,
): Promise<Event[]> {
  const jsm = await bus.jetstreamManager();
  const stream = eventStreamName(bus.prefix);
  const name = uniqueName('reader');
  await jsm.consumers.add(stream, {
    durable_name: name,
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.All,
    filter_subject: `${bus.prefix}.evt.>`,
  });
  const consumer = await bus.nc.jetstream().consumers.get(stream, name);
  const events: Event[] = [];
  const until = Date.now() + timeoutMs;
  while (events.length < count && Date.now() < until) {
    const batch = await consumer.fetch({ max_messages: 100, expires: 1_000 });
    for await (const message of batch) {
      const event = fromBinary(EventSchema, message.data);
      if (types.includes(event.type)) events.push(event);
    }
  }
  await jsm.consumers.delete(stream, name);
  return events;
}

import { create } from '@bufbuild/protobuf';
import { createLogger } from '@gatehouse/logging';
import { AuditService, QueryEventsRequestSchema } from '@gatehouse/proto';
import { currentTraceId, startTelemetry, withSpan } from '@gatehouse/telemetry';
import { captureLogs, deleteTestStream, expect, test, uniqueName } from '@gatehouse/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { Bus, BusError, busError, toBusError } from '../src/index.ts';

// A real NATS server: one bus acts as the service, another as its caller, in separate
// connections, as two processes would. AuditService stands in for any proto service.
describe('request-reply over NATS', () => {
  const logs = captureLogs();
  const logger = createLogger({ service: 'test', destination: logs.stream });
  let server: Bus;
  let client: Bus;
  let handlerTraceId = '';

  beforeAll(async () => {
    await startTelemetry({ service: 'bus-test', env: {} });
  });

  test.beforeEach(async ({ infrastructure, isolation }) => {
    if (server) return;
    const options = { url: infrastructure.natsUrl, prefix: isolation.natsPrefix, logger };
    server = await Bus.connect({ ...options, service: 'audit' });
    client = await Bus.connect({ ...options, service: 'gateway' });
    server.serve(AuditService, {
      async queryEvents(request) {
        handlerTraceId = currentTraceId();
        if (request.type === 'refuse') throw busError('invalid_request', 'type is not allowed');
        if (request.type === 'explode') throw new Error('database password is hunter2');
        if (request.type === 'slow') await new Promise((resolve) => setTimeout(resolve, 300));
        return { nextCursor: `echo:${request.type}:${request.limit}` };
      },
    });
    await server.nc.flush();
  });

  afterAll(async () => {
    await client?.drain();
    await server?.drain();
  });

  test('returns the typed result', async () => {
    const reply = await client.request(AuditService.method.queryEvents, { type: 'token.', limit: 7 });
    expect(reply.nextCursor).toBe('echo:token.:7');
    expect(reply.$typeName).toBe('gatehouse.audit.v1.QueryEventsResponse');
  });

  test('carries a typed error with code, description, status and retryability', async () => {
    const error = await client
      .request(AuditService.method.queryEvents, { type: 'refuse' })
      .catch((e: unknown) => e as BusError);
    expect(error).toBeInstanceOf(BusError);
    expect(error).toMatchObject({
      code: 'invalid_request',
      description: 'type is not allowed',
      httpStatus: 400,
      retryable: false,
    });
  });

  test('turns an unexpected throw into a generic internal error and logs the detail server-side', async () => {
    const error = await client
      .request(AuditService.method.queryEvents, { type: 'explode' })
      .catch((e: unknown) => e as BusError);
    expect(error).toMatchObject({
      code: 'internal',
      description: 'An internal error occurred.',
      httpStatus: 500,
    });
    expect(error.message).not.toContain('hunter2');
    expect(logs.text()).toContain('handler failed');
  });

  test('keeps one trace id across the hop', async () => {
    const callerTraceId = await withSpan('caller', {}, async () => {
      await client.request(AuditService.method.queryEvents, { type: 'trace' });
      return currentTraceId();
    });
    expect(callerTraceId).toMatch(/^[0-9a-f]{32}$/);
    expect(handlerTraceId).toBe(callerTraceId);
  });

  test('fails with a retryable unavailable error at the deadline', async () => {
    const error = await client
      .request(AuditService.method.queryEvents, { type: 'slow' }, { timeoutMs: 50 })
      .catch((e: unknown) => e as BusError);
    expect(error).toMatchObject({ code: 'unavailable', retryable: true, httpStatus: 503 });
  });

  test('answers unavailable at once when nobody serves the subject', async ({ infrastructure }) => {
    const lonely = await Bus.connect({
      url: infrastructure.natsUrl,
      prefix: uniqueName('nobody'),
      logger,
      service: 'x',
    });
    const started = Date.now();
    const error = await lonely
      .request(AuditService.method.queryEvents, create(QueryEventsRequestSchema, {}))
      .catch((e: unknown) => e as BusError);
    expect(error).toMatchObject({ code: 'unavailable', retryable: true });
    expect(Date.now() - started).toBeLessThan(1_000);
    await lonely.drain();
    await deleteTestStream(infrastructure.natsUrl, lonely.prefix);
  });
});

describe('dependency outages', () => {
  test('become a retryable unavailable error, looking through wrapped causes', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const wrapped = new Error('driver adapter error', { cause: refused });
    const redis = Object.assign(new Error('Reached the max retries per request limit'), {
      name: 'MaxRetriesPerRequestError',
    });
    for (const error of [refused, wrapped, redis]) {
      expect(toBusError(error)).toMatchObject({
        code: 'unavailable',
        httpStatus: 503,
        retryable: true,
        retryAfterSeconds: 1,
      });
    }
    expect(toBusError(new TypeError('x is undefined'))).toMatchObject({ code: 'internal', httpStatus: 500 });
  });
});

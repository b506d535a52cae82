import {
  create,
  type DescMethodUnary,
  type DescService,
  fromBinary,
  type MessageInitShape,
  type MessageShape,
  toBinary,
} from '@bufbuild/protobuf';
import type { Logger } from '@gatehouse/logging';
import { ErrorSchema } from '@gatehouse/proto';
import { extractContext, injectContext, SpanKind, withSpan } from '@gatehouse/telemetry';
import { type Msg, type MsgHdrs, type NatsConnection, headers as natsHeaders, type Subscription } from 'nats';
import { deadlineSignal } from './deadline.ts';
import { BusError, isErrorCode, toBusError } from './errors.ts';
import { rpcDuration } from './metrics.ts';
import { ownerOf, prefixed, subjectOf } from './subjects.ts';

/** Absolute deadline (epoch ms) of a request; handlers give up after it. */
const DEADLINE_HEADER = 'Gatehouse-Deadline';
export const DEFAULT_TIMEOUT_MS = 5_000;

export interface RpcContext {
  subject: string;
  /** Epoch milliseconds after which the caller no longer waits. */
  deadline: number;
  /** Aborts at the deadline; pass it to outbound I/O. */
  signal: AbortSignal;
}

type UnaryHandler<M> =
  M extends DescMethodUnary<infer I, infer O>
    ? (request: MessageShape<I>, context: RpcContext) => Promise<MessageInitShape<O>>
    : never;

/** One async function per method of a proto service. */
export type ServiceHandlers<S extends DescService> = {
  [K in keyof S['method']]: UnaryHandler<S['method'][K]>;
};

export interface RequestOptions {
  timeoutMs?: number;
}

/** Request-reply over NATS with protobuf bodies, deadlines, typed errors and trace propagation. */
export class RpcClient {
  readonly #nc: NatsConnection;
  readonly #prefix: string;

  constructor(nc: NatsConnection, prefix: string) {
    this.#nc = nc;
    this.#prefix = prefix;
  }

  async request<I extends DescMethodUnary['input'], O extends DescMethodUnary['output']>(
    method: DescMethodUnary<I, O>,
    input: MessageInitShape<I>,
    options: RequestOptions = {},
  ): Promise<MessageShape<O>> {
    const subject = prefixed(this.#prefix, subjectOf(method));
    const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return withSpan(`${subjectOf(method)} request`, { kind: SpanKind.CLIENT }, async () => {
      const headers = natsHeaders();
      injectContext(headers);
      headers.set(DEADLINE_HEADER, String(Date.now() + timeout));
      const body = toBinary(method.input, create(method.input, input));
      let reply: Msg;
      try {
        reply = await this.#nc.request(subject, body, { timeout, headers });
      } catch (error) {
        throw transportError(subject, error);
      }
      if (reply.headers?.get('Nats-Service-Error-Code')) throw decodeError(reply);
      return fromBinary(method.output, reply.data);
    });
  }
}

function transportError(subject: string, error: unknown): BusError {
  const code = (error as { code?: string }).code;
  const description =
    code === '503' ? 'The service is not available right now.' : 'The service did not answer in time.';
  return new BusError('unavailable', description, { reason: `${subject}: ${String(code)}`, cause: error });
}

function decodeError(reply: Msg): BusError {
  try {
    const wire = fromBinary(ErrorSchema, reply.data);
    const code = isErrorCode(wire.code) ? wire.code : 'internal';
    return new BusError(code, wire.description || 'An internal error occurred.', {
      httpStatus: wire.httpStatus || undefined,
      retryable: wire.retryable,
      retryAfterSeconds: wire.retryAfterSeconds,
    });
  } catch {
    return new BusError(
      'internal',
      reply.headers?.get('Nats-Service-Error') || 'An internal error occurred.',
    );
  }
}

function encodeError(error: BusError): { data: Uint8Array; headers: MsgHdrs } {
  const headers = natsHeaders();
  headers.set('Nats-Service-Error', error.description);
  headers.set('Nats-Service-Error-Code', String(error.httpStatus));
  const data = toBinary(
    ErrorSchema,
    create(ErrorSchema, {
      code: error.code,
      description: error.description,
      httpStatus: error.httpStatus,
      retryable: error.retryable,
      retryAfterSeconds: error.retryAfterSeconds,
    }),
  );
  return { data, headers };
}

/**
 * Serves a proto service's methods in a queue group (the owner segment of the subjects), so
 * replicas share the load. Tracks in-flight handlers so `drain()` can wait for them.
 */
export class RpcServer {
  readonly #nc: NatsConnection;
  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #subscriptions: Subscription[] = [];
  readonly #inFlight = new Set<Promise<void>>();

  constructor(nc: NatsConnection, prefix: string, logger: Logger) {
    this.#nc = nc;
    this.#prefix = prefix;
    this.#logger = logger;
  }

  serve<S extends DescService>(service: S, handlers: ServiceHandlers<S>): void {
    for (const method of service.methods) {
      if (method.methodKind !== 'unary') continue;
      const handler = (handlers as Record<string, UnaryHandler<DescMethodUnary>>)[method.localName];
      if (!handler) throw new Error(`${service.typeName}.${method.name} has no handler`);
      const subject = subjectOf(method);
      const subscription = this.#nc.subscribe(prefixed(this.#prefix, subject), {
        queue: ownerOf(subject),
        callback: (error, msg) => {
          if (error) {
            this.#logger.error({ err: error, subject }, 'subscription error');
            return;
          }
          const work = this.#handle(method as DescMethodUnary, subject, handler, msg);
          this.#inFlight.add(work);
          void work.finally(() => this.#inFlight.delete(work));
        },
      });
      this.#subscriptions.push(subscription);
    }
  }

  async #handle(
    method: DescMethodUnary,
    subject: string,
    handler: UnaryHandler<DescMethodUnary>,
    msg: Msg,
  ): Promise<void> {
    const started = performance.now();
    const deadline = Number(msg.headers?.get(DEADLINE_HEADER)) || Date.now() + DEFAULT_TIMEOUT_MS;
    const { signal, release } = deadlineSignal(deadline);
    let code = 'ok';
    await withSpan(
      `${subject} handle`,
      {
        kind: SpanKind.SERVER,
        parent: extractContext(msg.headers),
        attributes: { 'messaging.destination': subject },
      },
      async () => {
        try {
          const request = fromBinary(method.input, msg.data);
          const result = await handler(request, { subject, deadline, signal });
          msg.respond(toBinary(method.output, create(method.output, result)));
        } catch (thrown) {
          const error = toBusError(thrown);
          code = error.code;
          if (error.code === 'internal' || error.reason) {
            this.#logger[error.code === 'internal' ? 'error' : 'info'](
              { err: thrown instanceof BusError ? undefined : thrown, subject, code, reason: error.reason },
              error.code === 'internal' ? 'handler failed' : 'request refused',
            );
          }
          const { data, headers } = encodeError(error);
          msg.respond(data, { headers });
        }
      },
    )
      .catch((error: unknown) => this.#logger.error({ err: error, subject }, 'reply failed'))
      .finally(release);
    rpcDuration.observe({ subject, code }, (performance.now() - started) / 1000);
  }

  /** Stops taking requests, then waits (bounded) for the ones already taken. */
  async drain(timeoutMs = 10_000): Promise<void> {
    await Promise.allSettled(this.#subscriptions.map((s) => s.drain()));
    await Promise.race([
      Promise.allSettled([...this.#inFlight]),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
  }
}

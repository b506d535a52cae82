import { readFileSync } from 'node:fs';
import type { DescService } from '@bufbuild/protobuf';
import type { Logger } from '@gatehouse/logging';
import { connect, credsAuthenticator, type JetStreamManager, type NatsConnection } from 'nats';
import { EventPublisher } from './events.ts';
import { RpcClient, RpcServer, type ServiceHandlers } from './rpc.ts';
import { type EventStreamOptions, ensureEventStream } from './stream.ts';

export interface BusOptions {
  /** Comma-separated server URLs. */
  url: string;
  /** The service, for the connection name and event envelopes. */
  service: string;
  prefix?: string;
  credsFile?: string | undefined;
  logger: Logger;
  stream?: Omit<EventStreamOptions, 'prefix'>;
}

/**
 * One NATS connection per process: request-reply client and server, and the event publisher.
 * Reconnects forever with jittered backoff; requests made while disconnected are buffered by
 * the client and fail at their deadline.
 */
export class Bus {
  readonly nc: NatsConnection;
  readonly prefix: string;
  readonly events: EventPublisher;
  readonly #client: RpcClient;
  readonly #server: RpcServer;
  readonly #logger: Logger;

  private constructor(nc: NatsConnection, options: BusOptions) {
    this.nc = nc;
    this.prefix = options.prefix ?? '';
    this.#logger = options.logger;
    this.#client = new RpcClient(nc, this.prefix);
    this.#server = new RpcServer(nc, this.prefix, options.logger);
    this.events = new EventPublisher(nc.jetstream(), {
      service: options.service,
      prefix: this.prefix,
      logger: options.logger,
    });
  }

  static async connect(options: BusOptions): Promise<Bus> {
    const nc = await connect({
      servers: options.url.split(','),
      name: `gatehouse-${options.service}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      reconnectJitter: 500,
      waitOnFirstConnect: true,
      // Replies come back on the service's own inbox subjects, so NATS permissions can let each
      // service read only its own replies (a compromised service cannot read the worker's tokens).
      inboxPrefix: `_INBOX.${options.service}`,
      // nats.js otherwise captures a stack trace (`new Error()`) on every request and publish, for
      // errors that the bus reports by subject anyway: measurable CPU on every tool call.
      noAsyncTraces: true,
      ...(options.credsFile ? { authenticator: credsAuthenticator(readFileSync(options.credsFile)) } : {}),
    });
    const bus = new Bus(nc, options);
    void bus.#watchStatus();
    await ensureEventStream(await nc.jetstreamManager(), { prefix: bus.prefix, ...options.stream });
    return bus;
  }

  request: RpcClient['request'] = (method, input, options) => this.#client.request(method, input, options);

  serve<S extends DescService>(service: S, handlers: ServiceHandlers<S>): void {
    this.#server.serve(service, handlers);
  }

  jetstreamManager(): Promise<JetStreamManager> {
    return this.nc.jetstreamManager();
  }

  /** Readiness: connected, and the server answers a round trip. */
  async ping(): Promise<void> {
    if (this.nc.isClosed()) throw new Error('NATS connection closed');
    await this.nc.flush();
  }

  /** Graceful stop: no new requests, in-flight ones finished, events flushed, connection drained. */
  async drain(timeoutMs = 10_000): Promise<void> {
    await this.#server.drain(timeoutMs);
    await this.events.flush(Math.min(timeoutMs, 5_000));
    if (!this.nc.isClosed()) await this.nc.drain();
  }

  async #watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'pingTimer') continue;
      this.#logger.info({ nats: status.type, data: String(status.data) }, 'nats status');
    }
  }
}

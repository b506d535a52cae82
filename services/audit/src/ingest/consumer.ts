import type { Logger } from '@gatehouse/logging';
import {
  AckPolicy,
  type ConsumerConfig,
  ConsumerEvents,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  ReplayPolicy,
} from 'nats';
import {
  batchDuration,
  consumerAckPending,
  consumerPending,
  eventsReceived,
  storeRetries,
} from '../metrics.ts';
import type { Delivery } from './delivery.ts';
import { type RecordBatchDeps, recordBatch } from './record-batch.ts';

/** Every replica binds to this one durable consumer, so they share the stream's events between them. */
export const DURABLE_NAME = 'audit';

const NANOS_PER_MS = 1_000_000;

export interface ConsumerSettings {
  /** The NATS subject prefix of this environment. */
  prefix: string;
  /** The EVENTS stream. */
  stream: string;
  batchSize: number;
  /**
   * Least time between the starts of two batches, unless a full batch is waiting. A lone event is
   * still stored at once; under load, events gather for this long instead of each taking a
   * transaction and a commit of its own.
   */
  batchIntervalMs: number;
  ackWaitMs: number;
  maxDeliver: number;
  maxAckPending: number;
}

/**
 * Creates the durable pull consumer on `evt.>` or brings its limits up to date. Explicit acks;
 * delivery starts at the first event the stream holds, so events published before the audit
 * service ever ran are stored too.
 */
export async function ensureAuditConsumer(
  jsm: JetStreamManager,
  settings: Omit<ConsumerSettings, 'batchSize' | 'batchIntervalMs'>,
): Promise<void> {
  const limits = {
    ack_wait: settings.ackWaitMs * NANOS_PER_MS,
    max_deliver: settings.maxDeliver,
    max_ack_pending: settings.maxAckPending,
  };
  const config: Partial<ConsumerConfig> = {
    durable_name: DURABLE_NAME,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    filter_subject: settings.prefix ? `${settings.prefix}.evt.>` : 'evt.>',
    ...limits,
  };
  const exists = await jsm.consumers.info(settings.stream, DURABLE_NAME).then(
    () => true,
    (error: unknown) => {
      if ((error as { code?: string }).code === '404') return false;
      throw error;
    },
  );
  if (!exists) {
    try {
      await jsm.consumers.add(settings.stream, config);
      return;
    } catch (error) {
      // Another replica created it first.
      if (!/exists|already in use/i.test(String(error))) throw error;
    }
  }
  await jsm.consumers.update(settings.stream, DURABLE_NAME, limits);
}

/**
 * The audit service's intake. JetStream pushes into a local queue as events arrive (the pull
 * requests keep up to `batchSize` outstanding); one loop takes whatever has queued, up to
 * `batchSize`, and settles it with `recordBatch`. So a lone event is stored within milliseconds,
 * and under load batches grow by themselves: while the previous insert runs, and for at least
 * `batchIntervalMs` between batch starts (one Postgres commit per ~2 events became one per ~10 at
 * 500 events/s in the refresh benchmark).
 *
 * What this replica holds (the queue and the batch in hand) is bounded by the consumer's
 * `max_ack_pending` and kept alive with `working()`, so a slow or unavailable Postgres makes the
 * batch wait here, retried with backoff, instead of timing out into redeliveries that would use
 * up `max_deliver`. A replica that dies leaves what it held to be redelivered after `ackWaitMs`.
 */
export class EventConsumer {
  readonly #js: JetStreamClient;
  readonly #settings: ConsumerSettings;
  readonly #deps: RecordBatchDeps;
  readonly #logger: Logger;
  readonly #queue: JsMsg[] = [];
  /** The batch being settled: what is left of it. */
  #held: readonly Delivery[] = [];
  #wake: (() => void) | undefined;
  #messages: ConsumerMessages | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #stopping = false;
  #running: Promise<void> | undefined;

  constructor(js: JetStreamClient, settings: ConsumerSettings, deps: RecordBatchDeps) {
    this.#js = js;
    this.#settings = settings;
    this.#deps = deps;
    this.#logger = deps.logger;
  }

  async start(): Promise<void> {
    const consumer = await this.#js.consumers.get(this.#settings.stream, DURABLE_NAME);
    this.#messages = await consumer.consume({
      max_messages: this.#settings.batchSize,
      callback: (msg) => {
        this.#queue.push(msg);
        // The loop waits for a first event, or (between batches) for a full batch.
        if (this.#queue.length === 1 || this.#queue.length >= this.#settings.batchSize) this.#wake?.();
      },
    });
    void this.#watch(this.#messages);
    this.#heartbeat = setInterval(() => this.#keepAlive(), this.#settings.ackWaitMs / 3);
    this.#heartbeat.unref();
    this.#running = this.#run();
  }

  /** Stops taking events, settles the batch in hand (bounded), and hands the queued rest back. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#messages?.close().catch(() => undefined);
    if (this.#running) await Promise.race([this.#running, sleep(timeoutMs)]);
    clearInterval(this.#heartbeat);
    for (const msg of this.#queue.splice(0)) toDelivery(msg, this.#settings.prefix).nak();
  }

  async #run(): Promise<void> {
    let lastStart = Number.NEGATIVE_INFINITY;
    while (!this.#stopping) {
      if (this.#queue.length === 0) {
        await this.#sleepUntilWoken();
        continue;
      }
      const gather = lastStart + this.#settings.batchIntervalMs - performance.now();
      if (gather > 0 && this.#queue.length < this.#settings.batchSize) {
        await this.#sleepUntilWoken(gather);
        continue;
      }
      lastStart = performance.now();
      const batch = this.#queue.splice(0, this.#settings.batchSize);
      eventsReceived.inc(batch.length);
      await this.#settle(batch.map((msg) => toDelivery(msg, this.#settings.prefix)));
    }
  }

  /** Until an event arrives (see the consume callback), `stop`, or `timeoutMs` has passed. */
  async #sleepUntilWoken(timeoutMs?: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
      if (timeoutMs !== undefined) timer = setTimeout(resolve, timeoutMs);
    });
    clearTimeout(timer);
    this.#wake = undefined;
  }

  async #settle(deliveries: Delivery[]): Promise<void> {
    const done = batchDuration.startTimer();
    this.#held = deliveries;
    let unsettled = await this.#attempt(deliveries);
    for (let attempt = 1; unsettled.length > 0; attempt += 1) {
      this.#held = unsettled;
      if (this.#stopping) {
        // Shutting down: let another replica have them now rather than after the ack wait.
        for (const delivery of unsettled) delivery.nak();
        break;
      }
      storeRetries.inc();
      await sleep(Math.min(100 * 2 ** Math.min(attempt, 6), this.#settings.ackWaitMs / 3));
      unsettled = await this.#attempt(unsettled);
    }
    this.#held = [];
    done();
  }

  /** One settlement attempt; an unexpected error leaves the whole batch held for the next one. */
  async #attempt(deliveries: Delivery[]): Promise<Delivery[]> {
    try {
      return await recordBatch(deliveries, this.#deps);
    } catch (error) {
      this.#logger.error({ err: error, events: deliveries.length }, 'settling a batch failed; holding it');
      return deliveries;
    }
  }

  /** Restarts the ack timer of every message this replica holds but has not settled yet. */
  #keepAlive(): void {
    for (const delivery of this.#held) delivery.working();
    for (const msg of this.#queue) ignoreClosed(() => msg.working());
  }

  async #watch(messages: ConsumerMessages): Promise<void> {
    for await (const status of await messages.status()) {
      if (status.type === ConsumerEvents.HeartbeatsMissed || status.type === ConsumerEvents.NoResponders) {
        this.#logger.debug({ status: status.type, data: status.data }, 'event consumer status');
      } else if (Object.values(ConsumerEvents).includes(status.type as ConsumerEvents)) {
        this.#logger.warn({ status: status.type, data: status.data }, 'event consumer status');
      }
    }
  }
}

function toDelivery(msg: JsMsg, prefix: string): Delivery {
  const subject =
    prefix && msg.subject.startsWith(`${prefix}.`) ? msg.subject.slice(prefix.length + 1) : msg.subject;
  return {
    subject,
    data: msg.data,
    deliveryCount: msg.info.deliveryCount,
    streamSequence: msg.info.streamSequence,
    // An ack lost with the connection only means a redelivery, which the table absorbs.
    ack: () => ignoreClosed(() => msg.ack()),
    term: () => ignoreClosed(() => msg.term()),
    working: () => ignoreClosed(() => msg.working()),
    nak: () => ignoreClosed(() => msg.nak()),
  };
}

function ignoreClosed(action: () => void): void {
  try {
    action();
  } catch {
    // connection closed: JetStream redelivers after the ack wait
  }
}

/** Polls the consumer's counters into gauges: `num_pending` is how far the audit table lags the stream. */
export function pollConsumerLag(
  jsm: JetStreamManager,
  stream: string,
  intervalMs: number,
  logger: Logger,
): { stop(): void } {
  const poll = async () => {
    try {
      const info = await jsm.consumers.info(stream, DURABLE_NAME);
      consumerPending.set(info.num_pending);
      consumerAckPending.set(info.num_ack_pending);
    } catch (error) {
      logger.debug({ err: error }, 'consumer info unavailable');
    }
  };
  void poll();
  const timer = setInterval(poll, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type Logger, REDACTED_KEYS } from '@gatehouse/logging';
import { type Event, EventSchema, type EventType, eventSubject, Outcome } from '@gatehouse/proto';
import { currentTraceId } from '@gatehouse/telemetry';
import type { JetStreamClient } from 'nats';
import { v7 as uuidv7 } from 'uuid';
import { eventsDropped, eventsPending, eventsPublished, eventsPublishRetries } from './metrics.ts';
import { prefixed } from './subjects.ts';

export interface EventInput {
  type: EventType;
  outcome: 'success' | 'failure' | 'denied';
  actor?: { userId?: string; githubLogin?: string };
  clientId?: string;
  grantId?: string;
  ip?: string;
  userAgent?: string;
  /** An error code, for failures and denials. */
  reason?: string;
  /** Small, never-secret details. */
  details?: Record<string, string | number | boolean | undefined>;
}

export interface EventPublisherOptions {
  service: string;
  prefix: string;
  logger: Logger;
  /** Events kept for retry while JetStream is unreachable; beyond it new events are dropped and counted. */
  maxPending?: number;
  /** How long one publish waits for the JetStream ack. */
  ackTimeoutMs?: number;
  /** Publishes awaiting their ack at once while JetStream answers. */
  maxInFlight?: number;
}

const OUTCOMES = { success: Outcome.SUCCESS, failure: Outcome.FAILURE, denied: Outcome.DENIED } as const;
const SECRET_KEYS: ReadonlySet<string> = new Set([...REDACTED_KEYS, 'code']);
const BASE_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 2_000;

interface Pending {
  subject: string;
  id: string;
  type: string;
  event: Event;
  /** The encoded event, made when it is first sent. */
  data?: Uint8Array;
  attempts: number;
  sending: boolean;
  acked: Promise<void>;
  resolve: () => void;
}

/**
 * Publishes domain events to JetStream with `Nats-Msg-Id` = event id, so a retry after a lost
 * ack is de-duplicated by the stream (and, past its duplicate window, by the audit table's
 * primary key). `emit` never blocks the caller: the event waits in an in-memory outbox until
 * JetStream acks it, so an OAuth response never waits on audit; `publish` waits, but never longer
 * than the bound it is given. Encoding and publishing start on the next turn of the event loop
 * (`setImmediate`), after the caller has sent its answer: a publish started at once wrote to the
 * NATS socket, waking the server, ahead of the reply it was emitted for (0.2–0.6 ms of a tool
 * call's latency, bench/RESULTS.md fourth session), and events emitted together go out together.
 *
 * The outbox drains oldest first with at most `maxInFlight` publishes awaiting acks. After a
 * failure it turns to probing: one publish at a time, with exponential backoff, until one is
 * acked. Without that, a NATS outage would have every queued event retrying on its own timer,
 * each retry buffered by the reconnecting client and flushed at once when the server returns.
 * Events are lost only when the outbox overflows, a payload can never be accepted, or the process
 * stops before JetStream acked them (SIGKILL, or `flush` timing out); the first two are counted
 * in `gatehouse_events_dropped_total` and logged, as is the last on a graceful stop.
 */
export class EventPublisher {
  readonly #js: JetStreamClient;
  readonly #options: Required<EventPublisherOptions>;
  /** Insertion order is publish order; a failed event moves to the back so it cannot block the rest. */
  readonly #outbox = new Map<string, Pending>();
  #inFlight = 0;
  #consecutiveFailures = 0;
  #retryAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #pumpScheduled = false;
  #closed = false;

  constructor(js: JetStreamClient, options: EventPublisherOptions) {
    this.#js = js;
    this.#options = { maxPending: 10_000, ackTimeoutMs: 2_000, maxInFlight: 256, ...options };
  }

  /** Builds the envelope (never carrying a secret) and queues it for publishing. */
  emit(input: EventInput): Event {
    const event = this.envelope(input);
    if (this.#closed || this.#outbox.size >= this.#options.maxPending) {
      eventsDropped.inc();
      this.#options.logger.error(
        { type: event.type, id: event.id, pending: this.#outbox.size },
        this.#closed
          ? 'event emitted after the publisher closed; event dropped'
          : 'event outbox full; event dropped',
      );
      return event;
    }
    let resolve = () => {};
    const acked = new Promise<void>((r) => {
      resolve = r;
    });
    this.#outbox.set(event.id, {
      subject: prefixed(this.#options.prefix, eventSubject(input.type)),
      id: event.id,
      type: event.type,
      event,
      attempts: 0,
      sending: false,
      acked,
      resolve,
    });
    eventsPending.set(this.#outbox.size);
    this.#pumpSoon();
    return event;
  }

  /** Emits and waits for the ack, at most `waitMs`; the event stays queued if it was not acked by then. */
  async publish(input: EventInput, waitMs = this.#options.ackTimeoutMs): Promise<Event> {
    const event = this.emit(input);
    const pending = this.#outbox.get(event.id);
    if (pending) await Promise.race([pending.acked, sleep(waitMs)]);
    return event;
  }

  envelope(input: EventInput): Event {
    return create(EventSchema, {
      id: uuidv7(),
      type: input.type,
      occurredAt: timestampFromDate(new Date()),
      service: this.#options.service,
      actor: { userId: input.actor?.userId ?? '', githubLogin: input.actor?.githubLogin ?? '' },
      clientId: input.clientId ?? '',
      grantId: input.grantId ?? '',
      ip: input.ip ?? '',
      userAgent: (input.userAgent ?? '').slice(0, 512),
      outcome: OUTCOMES[input.outcome],
      reason: input.reason ?? '',
      traceId: currentTraceId(),
      details: sanitizeDetails(input.details),
    });
  }

  /** Events emitted and not yet acked by JetStream. */
  get pending(): number {
    return this.#outbox.size;
  }

  #pumpSoon(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    setImmediate(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  /** Starts as many publishes as the current state allows: all it may while healthy, one probe otherwise. */
  #pump(): void {
    if (this.#closed) return;
    const probing = this.#consecutiveFailures > 0;
    if (probing) {
      const wait = this.#retryAt - Date.now();
      if (wait > 0) {
        this.#wakeAfter(wait);
        return;
      }
    }
    const limit = probing ? 1 : this.#options.maxInFlight;
    for (const pending of this.#outbox.values()) {
      if (this.#inFlight >= limit) return;
      if (!pending.sending) void this.#send(pending);
    }
  }

  async #send(pending: Pending): Promise<void> {
    pending.sending = true;
    this.#inFlight += 1;
    try {
      pending.data ??= toBinary(EventSchema, pending.event);
      await this.#js.publish(pending.subject, pending.data, {
        msgID: pending.id,
        timeout: this.#options.ackTimeoutMs,
      });
      this.#consecutiveFailures = 0;
      this.#settle(pending);
      eventsPublished.inc();
    } catch (error) {
      pending.attempts += 1;
      if (isPermanent(error)) {
        this.#settle(pending);
        eventsDropped.inc();
        this.#options.logger.error(
          { err: error, type: pending.type, id: pending.id },
          'event can never be published; dropped',
        );
      } else if (this.#outbox.has(pending.id)) {
        eventsPublishRetries.inc();
        this.#consecutiveFailures += 1;
        const backoff = Math.min(
          MAX_BACKOFF_MS,
          BASE_BACKOFF_MS * 2 ** Math.min(this.#consecutiveFailures, 10),
        );
        this.#retryAt = Date.now() + backoff * (0.5 + Math.random());
        this.#outbox.delete(pending.id);
        this.#outbox.set(pending.id, pending);
        if (this.#consecutiveFailures === 1 || this.#consecutiveFailures % 20 === 0) {
          this.#options.logger.warn(
            { err: error, failures: this.#consecutiveFailures, pending: this.#outbox.size },
            'event publish failed; retrying with backoff',
          );
        }
      }
    } finally {
      pending.sending = false;
      this.#inFlight -= 1;
      eventsPending.set(this.#outbox.size);
      this.#pump();
    }
  }

  #settle(pending: Pending): void {
    this.#outbox.delete(pending.id);
    pending.resolve();
  }

  #wakeAfter(ms: number): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pump();
    }, ms);
    this.#timer.unref();
  }

  /** Waits (bounded) until every queued event is acked; what is left is counted as dropped. */
  async flush(timeoutMs = 5_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.#outbox.size > 0 && Date.now() < until) await sleep(20);
    this.#closed = true;
    clearTimeout(this.#timer);
    if (this.#outbox.size > 0) {
      eventsDropped.inc(this.#outbox.size);
      this.#options.logger.error({ count: this.#outbox.size }, 'events not acknowledged before shutdown');
      for (const pending of this.#outbox.values()) pending.resolve();
      this.#outbox.clear();
      eventsPending.set(0);
    }
  }
}

/** Errors no retry can cure: the message is larger than the server accepts. */
function isPermanent(error: unknown): boolean {
  return (error as { code?: unknown })?.code === 'MAX_PAYLOAD_EXCEEDED';
}

/** Details never carry a secret: a secret-named key is refused here, whatever the caller meant. */
function sanitizeDetails(details: EventInput['details']): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(details ?? {})) {
    if (value === undefined) continue;
    clean[key] = SECRET_KEYS.has(key) ? '[redacted]' : String(value).slice(0, 512);
  }
  return clean;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

import { fromBinary } from '@bufbuild/protobuf';
import { timestampMs } from '@bufbuild/protobuf/wkt';
import { type Bus, eventStreamName, prefixed } from '@gatehouse/bus';
import type { Logger } from '@gatehouse/logging';
import { EventSchema, eventSubject } from '@gatehouse/proto';
import { type ConsumerMessages, DeliverPolicy, type JsMsg } from 'nats';
import type { RevokedGrants } from './revoked-grants.ts';

export interface RevocationListenerOptions {
  bus: Bus;
  revoked: RevokedGrants;
  logger: Logger;
  /** How far back to replay on start: the longest access-token lifetime plus leeway. */
  replayWindowMs: number;
  /** Start fails when the replay has not caught up by then. */
  catchUpTimeoutMs?: number;
}

const RETRY_DELAY_MS = 1_000;

/**
 * Feeds the revoked-grant set from `evt.token.grant.revoked.v1` on the EVENTS stream.
 *
 * Each replica reads with its own ephemeral ordered consumer, not a queue group: every replica
 * must hear every revocation. The consumer starts at now − replay window, so a replica that
 * (re)starts replays every revocation whose tokens may still be alive before it serves a request
 * (`start` waits until it has caught up with the stream's last revocation). Ordered consumers
 * recreate themselves after a gap or a reconnect, resuming after the last sequence seen.
 */
export class RevocationListener {
  readonly #options: RevocationListenerOptions;
  readonly #subject: string;
  readonly #stream: string;
  #messages: ConsumerMessages | undefined;
  #stopped = false;
  #lastSequence = 0;
  #lastEventAt: Date | undefined;
  #caughtUp: (() => void) | undefined;
  #catchUpTarget = 0;
  #running: Promise<void> | undefined;

  constructor(options: RevocationListenerOptions) {
    this.#options = options;
    this.#subject = prefixed(options.bus.prefix, eventSubject('token.grant.revoked'));
    this.#stream = eventStreamName(options.bus.prefix);
  }

  /** Starts consuming and resolves once every revocation in the replay window has been applied. */
  async start(): Promise<void> {
    const startAt = new Date(Date.now() - this.#options.replayWindowMs);
    this.#catchUpTarget = await this.#lastRevocationSequence(startAt);
    const caughtUp = new Promise<void>((resolve) => {
      this.#caughtUp = resolve;
    });
    this.#running = this.#run(startAt);
    const timeoutMs = this.#options.catchUpTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`revocations not replayed within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([caughtUp, timedOut]);
    } catch (error) {
      await this.stop();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    this.#options.logger.info(
      { revoked_grants: this.#options.revoked.size, since: startAt.toISOString() },
      'revocations replayed',
    );
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#messages?.close();
    // Bounded: a consumer still being created (NATS unreachable) must not hold up shutdown.
    await Promise.race([this.#running, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
  }

  /** Readiness: the consumer is running (it reconnects by itself after NATS outages). */
  get running(): boolean {
    return !this.#stopped && this.#messages !== undefined;
  }

  /** The stream sequence of the newest revocation inside the window (0: none to wait for). */
  async #lastRevocationSequence(since: Date): Promise<number> {
    const jsm = await this.#options.bus.jetstreamManager();
    try {
      const last = await jsm.streams.getMessage(this.#stream, { last_by_subj: this.#subject });
      return last.time >= since ? last.seq : 0;
    } catch (error) {
      if ((error as { code?: string }).code === '404') return 0;
      throw error;
    }
  }

  async #run(startAt: Date): Promise<void> {
    const js = this.#options.bus.nc.jetstream();
    while (!this.#stopped) {
      try {
        // After a failure, resume from the last event seen (re-adding a grant is harmless).
        const from = this.#lastEventAt ?? startAt;
        const consumer = await js.consumers.get(this.#stream, {
          // One subject as a string: `filter_subjects` (a list) needs nats-server 2.10.
          filterSubjects: this.#subject,
          deliver_policy: DeliverPolicy.StartTime,
          opt_start_time: from.toISOString(),
        });
        this.#messages = await consumer.consume();
        if (this.#stopped) {
          await this.#messages.close();
          break;
        }
        // Nothing to replay: caught up as soon as the consumer exists (not before: a consumer
        // that cannot be created must fail the start, not leave revocations unheard).
        if (this.#catchUpTarget === 0) this.#markCaughtUp();
        for await (const message of this.#messages) this.#apply(message);
      } catch (error) {
        if (this.#stopped) break;
        this.#options.logger.error({ err: error }, 'revocation consumer failed; restarting');
      }
      this.#messages = undefined;
      if (!this.#stopped) await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS).unref());
    }
  }

  #apply(message: JsMsg): void {
    this.#lastSequence = message.seq;
    this.#lastEventAt = new Date(message.info.timestampNanos / 1_000_000);
    try {
      const event = fromBinary(EventSchema, message.data);
      if (event.type === 'token.grant.revoked' && event.grantId) {
        // The later of the publisher's clock and the stream's: a skewed clock must never shorten
        // how long the grant's tokens are refused.
        const storedAt = this.#lastEventAt.getTime();
        const revokedAt = Math.max(storedAt, event.occurredAt ? timestampMs(event.occurredAt) : 0);
        this.#options.revoked.add(event.grantId, revokedAt);
        this.#options.logger.info({ grant_id: event.grantId, event_id: event.id }, 'grant revoked');
      } else {
        this.#options.logger.warn(
          { seq: message.seq, type: event.type },
          'revocation event without a grant id',
        );
      }
    } catch (error) {
      this.#options.logger.error({ err: error, seq: message.seq }, 'undecodable revocation event');
    }
    if (this.#lastSequence >= this.#catchUpTarget) this.#markCaughtUp();
  }

  #markCaughtUp(): void {
    this.#caughtUp?.();
    this.#caughtUp = undefined;
  }
}

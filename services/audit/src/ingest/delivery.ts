import type { DeadLetterReason } from '../events/record.ts';

/** One message handed to the audit consumer, whatever the transport (JetStream in production). */
export interface Delivery {
  /** The subject without the environment prefix: `evt.<type>.v1`. */
  subject: string;
  data: Uint8Array;
  /** 1 on first delivery. */
  deliveryCount: number;
  /** Position in the stream: names the message in dead-letter records. */
  streamSequence: number;
  /** Done: never deliver again. */
  ack(): void;
  /** Given up (dead-lettered): never deliver again. */
  term(): void;
  /** Still working on it: restart the redelivery timer. */
  working(): void;
  /** Deliver again now (to any replica). */
  nak(): void;
}

/** Where messages that cannot be stored are kept, with why, so that nothing is silently lost. */
export interface DeadLetters {
  /** Resolves once the message is durably kept; rejects when it could not be (retry later). */
  send(delivery: Delivery, reason: DeadLetterReason, detail: string): Promise<void>;
}

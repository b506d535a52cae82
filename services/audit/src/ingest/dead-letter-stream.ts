import {
  DiscardPolicy,
  type JetStreamClient,
  type JetStreamManager,
  headers as natsHeaders,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from 'nats';
import type { DeadLetterReason } from '../events/record.ts';
import type { DeadLetters, Delivery } from './delivery.ts';

/** The subject dead letters are published on (under the environment prefix). */
export const DEAD_LETTER_SUBJECT = 'dlq.audit.event.v1';

/** Headers a dead letter carries beside the original bytes (docs/audit.md). */
export const DEAD_LETTER_HEADERS = {
  reason: 'Gatehouse-Dead-Letter-Reason',
  detail: 'Gatehouse-Dead-Letter-Detail',
  subject: 'Gatehouse-Original-Subject',
  sequence: 'Gatehouse-Original-Sequence',
  deliveries: 'Gatehouse-Deliveries',
} as const;

const NANOS_PER_MS = 1_000_000;

export function deadLetterStreamName(prefix: string): string {
  return prefix ? `${prefix.replace(/[^A-Za-z0-9_-]/g, '_')}_AUDIT_DLQ` : 'AUDIT_DLQ';
}

/**
 * The dead-letter stream: a JetStream stream of its own, so a message the audit table cannot take
 * is still kept (file storage, as long as events are retained) and can be inspected or replayed.
 */
export async function ensureDeadLetterStream(
  jsm: JetStreamManager,
  options: { prefix: string; maxAgeMs: number; maxBytes: number; replicas: number },
): Promise<string> {
  const name = deadLetterStreamName(options.prefix);
  const config: Partial<StreamConfig> = {
    name,
    subjects: [options.prefix ? `${options.prefix}.${DEAD_LETTER_SUBJECT}` : DEAD_LETTER_SUBJECT],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    num_replicas: options.replicas,
    max_age: options.maxAgeMs * NANOS_PER_MS,
    max_bytes: options.maxBytes,
    duplicate_window: 2 * 60_000 * NANOS_PER_MS,
  };
  try {
    await jsm.streams.info(name);
    await jsm.streams.update(name, config);
  } catch (error) {
    if ((error as { code?: string }).code !== '404') throw error;
    await jsm.streams.add(config).catch(async (addError: unknown) => {
      if (!/already in use|exists/i.test(String(addError))) throw addError;
    });
  }
  return name;
}

/** Publishes dead letters and waits for JetStream's ack, so a message is termed only once it is kept. */
export function createDeadLetters(js: JetStreamClient, prefix: string): DeadLetters {
  const subject = prefix ? `${prefix}.${DEAD_LETTER_SUBJECT}` : DEAD_LETTER_SUBJECT;
  return {
    async send(delivery: Delivery, reason: DeadLetterReason, detail: string) {
      const headers = natsHeaders();
      headers.set(DEAD_LETTER_HEADERS.reason, reason);
      headers.set(DEAD_LETTER_HEADERS.detail, headerValue(detail));
      headers.set(DEAD_LETTER_HEADERS.subject, delivery.subject);
      headers.set(DEAD_LETTER_HEADERS.sequence, String(delivery.streamSequence));
      headers.set(DEAD_LETTER_HEADERS.deliveries, String(delivery.deliveryCount));
      // Retried after a lost ack, the same message and reason is stored once.
      await js.publish(subject, delivery.data, {
        headers,
        msgID: `${delivery.streamSequence}.${reason}`,
        timeout: 5_000,
      });
    },
  };
}

/** Header values are one line of printable ASCII. */
function headerValue(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}

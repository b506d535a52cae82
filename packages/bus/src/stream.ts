import { DiscardPolicy, type JetStreamManager, RetentionPolicy, StorageType, type StreamConfig } from 'nats';

export interface EventStreamOptions {
  prefix: string;
  /**
   * Set by the stream's owner, the audit service: its limits are applied to an existing stream.
   * Every other service only creates the stream when it is missing, so a publisher's defaults
   * never undo the limits the owner was configured with.
   */
  owner?: boolean;
  /** 3 in production (a JetStream cluster); 1 on a single server. */
  replicas?: number;
  maxAgeMs?: number;
  maxBytes?: number;
  /** JetStream drops a re-published message whose Nats-Msg-Id it saw within this window. */
  duplicateWindowMs?: number;
}

const NANOS_PER_MS = 1_000_000;

const EVENT_STREAM_DEFAULTS = {
  replicas: 1,
  maxAgeMs: 7 * 24 * 3_600_000,
  maxBytes: 1024 ** 3,
  duplicateWindowMs: 2 * 60_000,
} as const;

export function eventStreamName(prefix: string): string {
  return prefix ? `${prefix.replace(/[^A-Za-z0-9_-]/g, '_')}_EVENTS` : 'EVENTS';
}

/**
 * Creates the EVENTS stream on `evt.>` when it is missing (any service, at start), and applies the
 * owner's limits to it when called with `owner: true`. Idempotent and safe under races between
 * replicas. File storage; when a limit is reached the oldest events go first (a full stream
 * never refuses a publish: revocations must get through), so the audit consumer's lag is
 * what to alert on.
 */
export async function ensureEventStream(jsm: JetStreamManager, options: EventStreamOptions): Promise<string> {
  const name = eventStreamName(options.prefix);
  const limits = { ...EVENT_STREAM_DEFAULTS, ...withoutUndefined(options) };
  const config: Partial<StreamConfig> = {
    name,
    subjects: [options.prefix ? `${options.prefix}.evt.>` : 'evt.>'],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    num_replicas: limits.replicas,
    max_age: limits.maxAgeMs * NANOS_PER_MS,
    max_bytes: limits.maxBytes,
    duplicate_window: limits.duplicateWindowMs * NANOS_PER_MS,
  };
  const exists = await jsm.streams.info(name).then(
    () => true,
    (error: unknown) => {
      if ((error as { code?: string }).code === '404') return false;
      throw error;
    },
  );
  if (exists) {
    if (options.owner) await jsm.streams.update(name, config);
    return name;
  }
  try {
    await jsm.streams.add(config);
  } catch (addError) {
    // Another replica created it between our info and add.
    if (!/already in use|exists/i.test(String(addError))) throw addError;
    if (options.owner) await jsm.streams.update(name, config);
  }
  return name;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

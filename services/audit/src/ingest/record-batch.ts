import { fromBinary } from '@bufbuild/protobuf';
import type { Logger } from '@gatehouse/logging';
import { EventSchema } from '@gatehouse/proto';
import { isAuditError } from '../errors.ts';
import { type AuditRecord, admitEvent, type DeadLetterReason } from '../events/record.ts';
import { eventsDeadLettered, eventsDuplicated, eventsStored } from '../metrics.ts';
import type { EventStore } from '../store/port.ts';
import type { DeadLetters, Delivery } from './delivery.ts';

export interface RecordBatchDeps {
  store: EventStore;
  deadLetters: DeadLetters;
  logger: Logger;
  /** From this delivery on, a copy goes to the dead-letter stream before the last attempt. */
  maxDeliver: number;
}

/** Deliveries already copied at the delivery limit, so holding and retrying one copies it once. */
const copiedAtLimit = new WeakSet<Delivery>();

interface Admitted {
  delivery: Delivery;
  record: AuditRecord;
}

/**
 * Settles what it can of one batch and returns the deliveries it could not settle (Postgres or
 * the dead-letter stream unavailable), for the caller to hold and retry. Idempotent, so a retry
 * after a partial failure repeats nothing harmful:
 *
 * - a message that is not a valid event (undecodable, no id, unknown type, type and subject
 *   disagree, bad envelope) is copied to the dead-letter stream with the reason, then termed;
 * - valid events are inserted in one statement (`ON CONFLICT (id) DO NOTHING`) and acked only
 *   after it committed, so a redelivered or re-published event is acknowledged, never stored twice;
 * - if the database refuses the batch for a row's data, rows are retried one by one and only the
 *   refused ones are dead-lettered;
 * - a message delivered `maxDeliver` times (the consumer died holding it that often) is copied to
 *   the dead-letter stream first, so even a message that kills the process is kept.
 */
export async function recordBatch(
  deliveries: readonly Delivery[],
  deps: RecordBatchDeps,
): Promise<Delivery[]> {
  const unsettled: Delivery[] = [];
  const admitted: Admitted[] = [];
  const refused: { delivery: Delivery; reason: DeadLetterReason; detail: string }[] = [];

  for (const delivery of deliveries) {
    if (delivery.deliveryCount >= deps.maxDeliver && !copiedAtLimit.has(delivery)) {
      if (
        !(await deadLetter(delivery, 'delivery_limit', `delivered ${delivery.deliveryCount} times`, deps))
      ) {
        unsettled.push(delivery);
        continue;
      }
      copiedAtLimit.add(delivery);
    }
    const admission = admit(delivery);
    if (admission.admitted) admitted.push({ delivery, record: admission.record });
    else refused.push({ delivery, reason: admission.reason, detail: admission.detail });
  }

  await Promise.all(
    refused.map(async ({ delivery, reason, detail }) => {
      if (await deadLetter(delivery, reason, detail, deps)) delivery.term();
      else unsettled.push(delivery);
    }),
  );

  unsettled.push(...(await store(admitted, deps)));
  return unsettled;
}

function admit(delivery: Delivery) {
  try {
    return admitEvent(fromBinary(EventSchema, delivery.data), typeOfSubject(delivery.subject));
  } catch {
    return { admitted: false, reason: 'undecodable', detail: 'not a gatehouse.events.v1.Event' } as const;
  }
}

/** `evt.<type>.v1` → `<type>`. */
export function typeOfSubject(subject: string): string | undefined {
  return /^evt\.(.+)\.v1$/.exec(subject)?.[1];
}

/** Inserts the admitted events and acks them; returns the ones to retry. */
async function store(admitted: readonly Admitted[], deps: RecordBatchDeps): Promise<Delivery[]> {
  if (admitted.length === 0) return [];
  // The same id twice in one batch (re-published after the stream's duplicate window): one row.
  const records = [...new Map(admitted.map(({ record }) => [record.id, record])).values()];
  try {
    const fresh = await deps.store.insert(records);
    settleStored(admitted, fresh);
    return [];
  } catch (error) {
    if (isAuditError(error, 'row_refused')) return storeOneByOne(admitted, deps);
    deps.logger.warn({ err: error, events: admitted.length }, 'audit store unavailable; holding the batch');
    return admitted.map(({ delivery }) => delivery);
  }
}

/** The batch held a row the database refuses: find it by storing each row alone. */
async function storeOneByOne(admitted: readonly Admitted[], deps: RecordBatchDeps): Promise<Delivery[]> {
  const unsettled: Delivery[] = [];
  for (const entry of admitted) {
    try {
      settleStored([entry], await deps.store.insert([entry.record]));
    } catch (error) {
      if (!isAuditError(error, 'row_refused')) {
        unsettled.push(entry.delivery);
        continue;
      }
      if (await deadLetter(entry.delivery, 'refused_by_database', error.reason ?? 'refused', deps)) {
        entry.delivery.term();
      } else {
        unsettled.push(entry.delivery);
      }
    }
  }
  return unsettled;
}

function settleStored(admitted: readonly Admitted[], fresh: ReadonlySet<string>): void {
  for (const { delivery } of admitted) delivery.ack();
  eventsStored.inc(fresh.size);
  eventsDuplicated.inc(admitted.length - fresh.size);
}

async function deadLetter(
  delivery: Delivery,
  reason: DeadLetterReason,
  detail: string,
  deps: RecordBatchDeps,
): Promise<boolean> {
  try {
    await deps.deadLetters.send(delivery, reason, detail);
  } catch (error) {
    deps.logger.warn({ err: error, reason }, 'dead-letter stream unavailable; holding the message');
    return false;
  }
  eventsDeadLettered.inc({ reason });
  deps.logger.warn(
    {
      reason,
      detail,
      subject: delivery.subject,
      stream_seq: delivery.streamSequence,
      deliveries: delivery.deliveryCount,
    },
    'event dead-lettered',
  );
  return true;
}

import { fromBinary } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { type Bus, eventStreamName, prefixed } from '@gatehouse/bus';
import type { Logger } from '@gatehouse/logging';
import { EventSchema, eventSubject } from '@gatehouse/proto';
import { AckPolicy, type ConsumerMessages, DeliverPolicy } from 'nats';

/** One durable consumer shared by every identity replica: each revocation is handled once. */
export const DURABLE_NAME = 'identity-grant-revocations';

const NANOS_PER_MS = 1_000_000;
const RETRY_DELAY_MS = 1_000;

export interface GrantRevoked {
  userId: string;
  clientId: string;
  at: Date;
}

/**
 * Follows `token.grant.revoked` on the EVENTS stream (durably: a revocation published while
 * identity is down is handled when it is back) and hands each one to `onRevoked`; a failure is
 * retried after a second. Returns the stop function for shutdown.
 */
export async function followGrantRevocations(
  bus: Bus,
  onRevoked: (revoked: GrantRevoked) => Promise<void>,
  logger: Logger,
): Promise<() => Promise<void>> {
  const stream = eventStreamName(bus.prefix);
  const jsm = await bus.jetstreamManager();
  const exists = await jsm.consumers.info(stream, DURABLE_NAME).then(
    () => true,
    (error: unknown) => {
      if ((error as { code?: string }).code === '404') return false;
      throw error;
    },
  );
  if (!exists) {
    await jsm.consumers
      .add(stream, {
        durable_name: DURABLE_NAME,
        filter_subject: prefixed(bus.prefix, eventSubject('token.grant.revoked')),
        ack_policy: AckPolicy.Explicit,
        // Earlier revocations concern consents from before this consumer existed: none to forget
        // that a later approval might not have replaced.
        deliver_policy: DeliverPolicy.New,
        ack_wait: 30_000 * NANOS_PER_MS,
      })
      .catch((error: unknown) => {
        // Another replica created it first.
        if (!/exists|already in use/i.test(String(error))) throw error;
      });
  }
  const consumer = await bus.nc.jetstream().consumers.get(stream, DURABLE_NAME);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: 50 });
  const running = (async () => {
    for await (const message of messages) {
      try {
        const event = fromBinary(EventSchema, message.data);
        const userId = event.actor?.userId ?? '';
        if (userId && event.clientId && event.occurredAt) {
          await onRevoked({ userId, clientId: event.clientId, at: timestampDate(event.occurredAt) });
        }
        message.ack();
      } catch (error) {
        logger.warn({ err: error }, 'grant revocation not applied yet; retrying');
        message.nak(RETRY_DELAY_MS);
      }
    }
  })();
  return async () => {
    await messages.close().catch(() => undefined);
    await running;
  };
}

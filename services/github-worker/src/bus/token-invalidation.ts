import { fromBinary } from '@bufbuild/protobuf';
import { type Bus, prefixed } from '@gatehouse/bus';
import type { Logger } from '@gatehouse/logging';
import { EventSchema, type EventType, eventSubject } from '@gatehouse/proto';

/**
 * Events after which a cached GitHub token must not be reused: the person's grant was revoked, or
 * another replica refreshed (or failed to refresh) their token. Every replica hears every event
 * (a plain subscription, no queue group); one missed while disconnected costs at most the cache TTL.
 */
export const INVALIDATING_EVENTS = [
  'token.grant.revoked',
  'identity.upstream_token.refreshed',
  'identity.upstream_token.refresh_failed',
] as const satisfies readonly EventType[];

export function forgetTokensOnEvents(
  bus: Bus,
  tokens: { forget(userId: string): void },
  logger: Logger,
): void {
  for (const type of INVALIDATING_EVENTS) {
    bus.nc.subscribe(prefixed(bus.prefix, eventSubject(type)), {
      callback: (error, message) => {
        if (error) {
          logger.warn({ err: error, type }, 'event subscription error');
          return;
        }
        try {
          const userId = fromBinary(EventSchema, message.data).actor?.userId;
          if (userId) tokens.forget(userId);
        } catch (decodeError) {
          logger.warn({ err: decodeError, type }, 'unreadable event ignored');
        }
      },
    });
  }
}

import type { EventInput } from '@gatehouse/bus';
import type { EventType } from '@gatehouse/proto';

/** The events this service publishes: the `token.*` section of proto/src/events.ts. */
export type TokenEventType = Extract<EventType, `token.${string}`>;

export type TokenEvent = Omit<EventInput, 'type'> & { type: TokenEventType };

/**
 * Where domain code sends audit events. `emit` never blocks (the bus's outbox retries until
 * JetStream acks); `publish` waits for the ack and is used only for `token.grant.revoked`, which
 * gateways act on at once. Events never carry a secret: ids, codes of errors, scopes and hosts only.
 */
export interface EventSink {
  emit(event: TokenEvent): void;
  publish(event: TokenEvent): Promise<void>;
}

/** Where an HTTP request came from (the gateway fills it in). */
export interface RequestOrigin {
  ip: string;
  userAgent: string;
}

export const NO_ORIGIN: RequestOrigin = { ip: '', userAgent: '' };

/** The event fields an origin contributes. */
export function originFields(origin: RequestOrigin | undefined): Pick<EventInput, 'ip' | 'userAgent'> {
  return { ip: origin?.ip ?? '', userAgent: origin?.userAgent ?? '' };
}

import type { EventInput } from '@gatehouse/bus';
import type { Origin } from './request.ts';

/** Where events go: `bus.events.emit` in production (non-blocking, retried until JetStream acks). */
export type EventSink = (event: EventInput) => void;

/** The identity.* events of proto/src/events.ts. */
export type IdentityEventType = Extract<EventInput['type'], `identity.${string}`>;

export interface IdentityEvent {
  outcome: EventInput['outcome'];
  origin?: Origin | undefined;
  user?: { id: string; githubLogin?: string } | undefined;
  clientId?: string | undefined;
  /** An error code, for failures and denials. */
  reason?: string | undefined;
  details?: EventInput['details'];
}

/**
 * Every identity event goes through here, so none can carry a secret by accident: there is no field
 * for a token, code, state, verifier or session id, only who, which client, from where, and why.
 */
export function emitEvent(sink: EventSink, type: IdentityEventType, event: IdentityEvent): void {
  sink({
    type,
    outcome: event.outcome,
    ...(event.user ? { actor: { userId: event.user.id, githubLogin: event.user.githubLogin ?? '' } } : {}),
    ...(event.clientId ? { clientId: event.clientId } : {}),
    ...(event.origin ? { ip: event.origin.ip, userAgent: event.origin.userAgent } : {}),
    ...(event.reason ? { reason: event.reason } : {}),
    ...(event.details ? { details: event.details } : {}),
  });
}

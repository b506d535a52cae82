import type { EventPublisher } from '@gatehouse/bus';
import type { BearerError } from './errors.ts';

export interface RequestOrigin {
  ip: string;
  userAgent: string;
}

/**
 * `gateway.token.rejected` events, at most one per rejection reason per window: a client (or an
 * attacker) sending a flood of bad tokens produces one event per reason per window, carrying the
 * number of rejections it stands for, instead of flooding the audit. Identity fields are filled
 * only from a token whose signature verified (a revoked one); claims of an unverified token are
 * attacker-controlled and never recorded.
 */
export class RejectionEvents {
  readonly #events: Pick<EventPublisher, 'emit'>;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #windows = new Map<string, { startedAt: number; suppressed: number }>();

  constructor(options: { events: Pick<EventPublisher, 'emit'>; windowMs?: number; now?: () => number }) {
    this.#events = options.events;
    this.#windowMs = options.windowMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  record(error: BearerError, origin: RequestOrigin): void {
    // Only refused tokens are rejections: a request without one is how discovery starts.
    if (error.kind !== 'rejected') return;
    const now = this.#now();
    const window = this.#windows.get(error.reason);
    if (window && now - window.startedAt < this.#windowMs) {
      window.suppressed += 1;
      return;
    }
    const suppressed = window?.suppressed ?? 0;
    this.#windows.set(error.reason, { startedAt: now, suppressed: 0 });
    this.#events.emit({
      type: 'gateway.token.rejected',
      outcome: 'denied',
      reason: error.reason,
      actor: error.token ? { userId: error.token.userId } : undefined,
      clientId: error.token?.clientId,
      grantId: error.token?.grantId,
      ip: origin.ip,
      userAgent: origin.userAgent,
      details: { oauth_error: error.oauthCode, suppressed_since_last: suppressed },
    });
  }
}

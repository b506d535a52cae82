import { timestampDate } from '@bufbuild/protobuf/wkt';
import { type Event, isEventType, Outcome } from '@gatehouse/proto';

export type AuditOutcome = 'success' | 'failure' | 'denied';

/** One event as the audit table holds it: empty envelope fields are null. */
export interface AuditRecord {
  id: string;
  type: string;
  occurredAt: Date;
  service: string;
  userId: string | null;
  githubLogin: string | null;
  clientId: string | null;
  grantId: string | null;
  ip: string | null;
  userAgent: string | null;
  outcome: AuditOutcome;
  reason: string | null;
  traceId: string | null;
  details: Record<string, string>;
}

/**
 * Why a message went to the dead-letter stream instead of the table (docs/audit.md explains each).
 * A closed set, so the `reason` label of the dead-letter metric stays bounded.
 */
export const DEAD_LETTER_REASONS = [
  'undecodable',
  'missing_id',
  'invalid_id',
  'unknown_type',
  'subject_mismatch',
  'invalid_envelope',
  'refused_by_database',
  'delivery_limit',
] as const;

export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

export type Admission =
  | { admitted: true; record: AuditRecord }
  | { admitted: false; reason: DeadLetterReason; detail: string };

const OUTCOMES: Partial<Record<Outcome, AuditOutcome>> = {
  [Outcome.SUCCESS]: 'success',
  [Outcome.FAILURE]: 'failure',
  [Outcome.DENIED]: 'denied',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Clocks drift; an event from further ahead than this would sit atop every listing and outlive retention. */
const MAX_CLOCK_SKEW_MS = 60 * 60_000;

/**
 * Decides whether a decoded envelope may be stored, and normalises it. `subjectType` is the type
 * the subject names (`evt.<type>.v1`): NATS permissions decide who may publish on a subject, so
 * an envelope claiming another type is refused rather than trusted.
 */
export function admitEvent(event: Event, subjectType: string | undefined, now: Date = new Date()): Admission {
  const refuse = (reason: DeadLetterReason, detail: string): Admission => ({
    admitted: false,
    reason,
    detail: detail.slice(0, 200),
  });
  if (event.id === '') return refuse('missing_id', 'the envelope has no id');
  if (!UUID.test(event.id)) return refuse('invalid_id', 'the id is not a UUID');
  if (!isEventType(event.type))
    return refuse('unknown_type', `type ${JSON.stringify(event.type)} is not in the taxonomy`);
  if (subjectType !== event.type) {
    return refuse(
      'subject_mismatch',
      `type ${event.type} published on the subject of ${subjectType ?? 'no event type'}`,
    );
  }
  const outcome = OUTCOMES[event.outcome];
  if (!outcome) return refuse('invalid_envelope', 'the outcome is unspecified');
  if (!event.occurredAt) return refuse('invalid_envelope', 'occurred_at is missing');
  const occurredAt = timestampDate(event.occurredAt);
  if (Number.isNaN(occurredAt.getTime()) || occurredAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
    return refuse('invalid_envelope', 'occurred_at is invalid or in the future');
  }
  if (event.service === '') return refuse('invalid_envelope', 'the service is missing');
  return {
    admitted: true,
    record: {
      id: event.id.toLowerCase(),
      type: event.type,
      occurredAt,
      service: text(event.service),
      userId: optional(event.actor?.userId),
      githubLogin: optional(event.actor?.githubLogin),
      clientId: optional(event.clientId),
      grantId: optional(event.grantId),
      ip: optional(event.ip),
      userAgent: optional(event.userAgent),
      outcome,
      reason: optional(event.reason),
      traceId: optional(event.traceId),
      details: Object.fromEntries(
        Object.entries(event.details).map(([key, value]) => [text(key), text(value)]),
      ),
    },
  };
}

/**
 * Postgres text cannot hold U+0000. Replacing it keeps an event whose user agent (or any field a
 * client controls) carries one: otherwise a client could keep its own requests out of the table.
 */
function text(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

function optional(value: string | undefined): string | null {
  return value ? text(value) : null;
}

import { create, toBinary } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type Bus, busError, type RpcContext } from '@gatehouse/bus';
import {
  AuditService,
  type Event,
  EventSchema,
  Order,
  Outcome,
  type QueryEventsRequest,
  type QueryEventsResponse,
  QueryEventsResponseSchema,
} from '@gatehouse/proto';
import { type AuditError, auditError, isAuditError } from '../errors.ts';
import type { AuditOutcome, AuditRecord } from '../events/record.ts';
import type { QueryInput } from '../query/filters.ts';
import { cursorAfter, queryEvents } from '../query/query-events.ts';
import type { EventStore } from '../store/port.ts';

export interface AuditHandlerDeps {
  store: EventStore;
  /** The NATS server's max_payload: a reply must fit in one message. */
  maxReplyBytes: number;
}

/** Time kept back from the caller's deadline for encoding and sending the reply. */
const REPLY_MARGIN_MS = 250;

/** The one table of subjects the audit service answers. */
export function serveAudit(bus: Bus, deps: AuditHandlerDeps): void {
  bus.serve(AuditService, {
    queryEvents: (request, context) => onWire(() => handleQuery(request, context, deps)),
  });
}

async function handleQuery(
  request: QueryEventsRequest,
  context: RpcContext,
  deps: AuditHandlerDeps,
): Promise<QueryEventsResponse> {
  const timeoutMs = Math.max(1, context.deadline - Date.now() - REPLY_MARGIN_MS);
  const page = await queryEvents(deps.store, queryInput(request), { timeoutMs });
  return fitReply(page.events, page.nextCursor, deps.maxReplyBytes);
}

export function queryInput(request: QueryEventsRequest): QueryInput {
  return {
    user: request.user,
    userId: request.userId,
    githubLogin: request.githubLogin,
    clientId: request.clientId,
    grantId: request.grantId,
    type: request.type,
    outcome: outcomeFilter(request.outcome),
    since: request.since ? timestampDate(request.since) : undefined,
    until: request.until ? timestampDate(request.until) : undefined,
    cursor: request.cursor,
    limit: request.limit,
    order: orderOf(request.order),
  };
}

function outcomeFilter(outcome: Outcome): AuditOutcome | undefined {
  switch (outcome) {
    case Outcome.UNSPECIFIED:
      return undefined;
    case Outcome.SUCCESS:
      return 'success';
    case Outcome.FAILURE:
      return 'failure';
    case Outcome.DENIED:
      return 'denied';
    default:
      throw auditError('invalid_request', 'outcome must be success, failure or denied');
  }
}

function orderOf(order: Order): QueryInput['order'] {
  if (order === Order.UNSPECIFIED || order === Order.NEWEST_FIRST) return 'newest_first';
  if (order === Order.OLDEST_FIRST) return 'oldest_first';
  throw auditError('invalid_request', 'order must be newest_first or oldest_first');
}

/**
 * A page cut short when its events would not fit in one NATS message (up to 1,000 events of up
 * to a few kilobytes each can exceed max_payload); the cursor then resumes after the last one sent.
 */
function fitReply(
  records: AuditRecord[],
  nextCursor: string | undefined,
  maxBytes: number,
): QueryEventsResponse {
  const budget = maxBytes - 1_024;
  const events: Event[] = [];
  let size = 0;
  for (const record of records) {
    const event = toEvent(record);
    // The field's bytes plus its tag and length prefix.
    const bytes = toBinary(EventSchema, event).length + 6;
    if (events.length > 0 && size + bytes > budget) {
      return create(QueryEventsResponseSchema, {
        events,
        nextCursor: cursorAfter(records[events.length - 1]!),
      });
    }
    size += bytes;
    events.push(event);
  }
  return create(QueryEventsResponseSchema, { events, nextCursor: nextCursor ?? '' });
}

export function toEvent(record: AuditRecord): Event {
  return create(EventSchema, {
    id: record.id,
    type: record.type,
    occurredAt: timestampFromDate(record.occurredAt),
    service: record.service,
    actor: { userId: record.userId ?? '', githubLogin: record.githubLogin ?? '' },
    clientId: record.clientId ?? '',
    grantId: record.grantId ?? '',
    ip: record.ip ?? '',
    userAgent: record.userAgent ?? '',
    outcome: { success: Outcome.SUCCESS, failure: Outcome.FAILURE, denied: Outcome.DENIED }[record.outcome],
    reason: record.reason ?? '',
    traceId: record.traceId ?? '',
    details: record.details,
  });
}

/** The audit error type as the bus's closed set, in one place; anything else leaves as `internal`. */
async function onWire<T>(handle: () => Promise<T>): Promise<T> {
  try {
    return await handle();
  } catch (error) {
    if (!isAuditError(error)) throw error;
    throw wireError(error);
  }
}

function wireError(error: AuditError) {
  switch (error.code) {
    case 'invalid_request':
      return busError('invalid_request', error.description);
    case 'unavailable':
      return busError('unavailable', error.description, { reason: error.reason, cause: error });
    default:
      return busError('internal', 'An internal error occurred.', { reason: error.reason, cause: error });
  }
}

import { auditError } from '../errors.ts';
import type { AuditOutcome, AuditRecord } from '../events/record.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { EventQuery } from '../query/filters.ts';
import type { EventStore } from './port.ts';
import type { Database } from './prisma.ts';

interface EventRow {
  id: string;
  type: string;
  occurred_at: Date;
  service: string;
  user_id: string | null;
  github_login: string | null;
  client_id: string | null;
  grant_id: string | null;
  ip: string | null;
  user_agent: string | null;
  outcome: string;
  reason: string | null;
  trace_id: string | null;
  details: Record<string, string>;
}

/** The audit.events table through Prisma's raw SQL: the statements below are the ones the indexes were made for. */
export function createEventStore(db: Database): EventStore {
  return {
    async insert(records) {
      if (records.length === 0) return new Set();
      const column = <T>(pick: (record: AuditRecord) => T) => records.map(pick);
      // One statement for the whole batch, 14 parameters whatever its size (unnest of arrays):
      // atomic on its own, and a redelivered id is skipped by the primary key.
      const inserted = await db.$queryRaw<{ id: string }[]>`
          INSERT INTO audit.events (id, type, occurred_at, service, user_id, github_login, client_id, grant_id,
                                    ip, user_agent, outcome, reason, trace_id, details)
          SELECT * FROM unnest(
            ${column((r) => r.id)}::uuid[], ${column((r) => r.type)}::text[],
            ${column((r) => r.occurredAt.toISOString())}::timestamptz[], ${column((r) => r.service)}::text[],
            ${column((r) => r.userId)}::text[], ${column((r) => r.githubLogin)}::text[],
            ${column((r) => r.clientId)}::text[], ${column((r) => r.grantId)}::text[],
            ${column((r) => r.ip)}::text[], ${column((r) => r.userAgent)}::text[],
            ${column((r) => r.outcome)}::text[], ${column((r) => r.reason)}::text[],
            ${column((r) => r.traceId)}::text[], ${column((r) => JSON.stringify(r.details))}::jsonb[])
          ON CONFLICT (id) DO NOTHING
          RETURNING id`.catch(rethrowAsAuditError);
      return new Set(inserted.map((row) => row.id));
    },

    async query(query, { timeoutMs }) {
      return db
        .$transaction(
          async (tx) => {
            // Bounded by the caller's deadline: nobody waits for the answer after it.
            await tx.$queryRaw`SELECT set_config('statement_timeout', ${String(Math.max(1, Math.floor(timeoutMs)))}, true)`;
            const userIds = query.user ? await userIdsOf(tx, query.user) : [];
            const rows = await tx.$queryRaw<EventRow[]>`
              SELECT id, type, occurred_at, service, user_id, github_login, client_id, grant_id, ip, user_agent,
                     outcome, reason, trace_id, details
                FROM audit.events
               WHERE ${conditions(query, userIds)}
               ORDER BY ${query.order === 'oldest_first' ? Prisma.sql`occurred_at, id` : Prisma.sql`occurred_at DESC, id DESC`}
               LIMIT ${query.limit}`;
            return rows.map(toRecord);
          },
          { maxWait: 2_000, timeout: timeoutMs + 1_000 },
        )
        .catch(rethrowAsAuditError);
    },

    async purgeBefore(cutoff, batchSize) {
      // SKIP LOCKED: replicas purging at the same moment take different rows instead of waiting.
      return db.$executeRaw`
          WITH doomed AS (
            SELECT id FROM audit.events WHERE occurred_at < ${cutoff.toISOString()}::timestamptz
             ORDER BY occurred_at LIMIT ${batchSize} FOR UPDATE SKIP LOCKED)
          DELETE FROM audit.events e USING doomed WHERE e.id = doomed.id`.catch(rethrowAsAuditError);
    },
  };
}

/**
 * The user ids a login was seen with (normally one). Looked up first, so the main query gets
 * them as a plain array parameter the planner can estimate; as a subquery it could not, and on a
 * million events it walked the whole time index for a login with few events (420 ms against 2 ms).
 */
async function userIdsOf(tx: Prisma.TransactionClient, user: string): Promise<string[]> {
  const rows = await tx.$queryRaw<{ user_id: string }[]>`
    SELECT DISTINCT user_id FROM audit.events
     WHERE lower(github_login) = lower(${user}) AND user_id IS NOT NULL
     LIMIT 100`;
  return rows.map((row) => row.user_id);
}

function conditions(query: EventQuery, userIds: readonly string[]): Prisma.Sql {
  const where: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (query.user) {
    // A person by id or by login. Some events carry only the user id (a tool call knows the token's
    // subject, not the login), so a login also matches the ids it was seen with.
    where.push(
      Prisma.sql`(lower(github_login) = lower(${query.user}) OR user_id = ANY(${[query.user, ...userIds]}::text[]))`,
    );
  }
  if (query.userId) where.push(Prisma.sql`user_id = ${query.userId}`);
  if (query.githubLogin) where.push(Prisma.sql`lower(github_login) = lower(${query.githubLogin})`);
  if (query.clientId) where.push(Prisma.sql`client_id = ${query.clientId}`);
  if (query.grantId) where.push(Prisma.sql`grant_id = ${query.grantId}`);
  if (query.type && 'exact' in query.type) where.push(Prisma.sql`type = ${query.type.exact}`);
  // Type names hold `_`, a LIKE wildcard: escaped, the pattern is a plain prefix the index can range-scan.
  if (query.type && 'prefix' in query.type) {
    where.push(Prisma.sql`type LIKE ${`${query.type.prefix.replaceAll('_', '\\_')}%`}`);
  }
  if (query.outcome) where.push(Prisma.sql`outcome = ${query.outcome}`);
  if (query.since) where.push(Prisma.sql`occurred_at >= ${query.since.toISOString()}::timestamptz`);
  if (query.until) where.push(Prisma.sql`occurred_at < ${query.until.toISOString()}::timestamptz`);
  if (query.after) {
    const position = Prisma.sql`(${query.after.occurredAt.toISOString()}::timestamptz, ${query.after.id}::uuid)`;
    where.push(
      query.order === 'oldest_first'
        ? Prisma.sql`(occurred_at, id) > ${position}`
        : Prisma.sql`(occurred_at, id) < ${position}`,
    );
  }
  return Prisma.join(where, ' AND ');
}

function toRecord(row: EventRow): AuditRecord {
  return {
    id: row.id,
    type: row.type,
    occurredAt: row.occurred_at,
    service: row.service,
    userId: row.user_id,
    githubLogin: row.github_login,
    clientId: row.client_id,
    grantId: row.grant_id,
    ip: row.ip,
    userAgent: row.user_agent,
    outcome: row.outcome as AuditOutcome,
    reason: row.reason,
    traceId: row.trace_id,
    details: row.details,
  };
}

/** SQLSTATE classes where the data itself is at fault: 22 data exception, 23 constraint, 54 limits. */
const REFUSED_CLASSES = new Set(['22', '23', '54']);

/** Postgres errors as the store port promises them; everything not the row's fault is worth a retry. */
function rethrowAsAuditError(error: unknown): never {
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { kind?: string; code?: string } } } })
    .meta?.driverAdapterError?.cause;
  const sqlstate = cause?.kind === 'postgres' ? cause.code : undefined;
  if (sqlstate && REFUSED_CLASSES.has(sqlstate.slice(0, 2))) {
    throw auditError('row_refused', 'The database refused the event.', {
      reason: `sqlstate ${sqlstate}`,
      cause: error,
    });
  }
  if (sqlstate === '57014') {
    throw auditError('unavailable', 'The query took too long; narrow the time range or add filters.', {
      reason: 'statement timeout',
      cause: error,
    });
  }
  throw auditError('unavailable', 'The audit store is not available right now.', {
    reason: sqlstate ? `sqlstate ${sqlstate}` : (cause?.kind ?? String(error)),
    cause: error,
  });
}

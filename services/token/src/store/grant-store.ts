import type pg from 'pg';
import type { GrantRecord, GrantStore, NewGrant, RefreshTokenRecord, RotationResult } from './ports.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BATCH = 5_000;
const GRANT_COLUMNS = `g.id, g.client_id, g.client_name, g.user_id, g.github_login, g.scopes, g.resource,
  g.redirect_uri, g.created_at, g.last_used_at, g.expires_at, g.revoked_at`;

interface GrantRow {
  id: string;
  client_id: string;
  client_name: string;
  user_id: string;
  github_login: string;
  scopes: string[];
  resource: string;
  redirect_uri: string;
  created_at: Date;
  last_used_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

interface PresentedRow extends GrantRow {
  rotated: boolean;
  was_rotated: boolean;
  within_grace: boolean;
  successor_used: boolean;
  grant_active: boolean;
  token_active: boolean;
  scope_ok: boolean;
}

// The presented refresh token with its grant, and every fact a refresh decision needs, computed
// with the database clock so replicas with skewed clocks agree.
const PRESENTED = `
  SELECT r.hash, r.grant_id, ${GRANT_COLUMNS},
         r.rotated_at IS NOT NULL AS was_rotated,
         COALESCE(r.rotated_at > now() - $2::bigint * interval '1 millisecond', false) AS within_grace,
         s.rotated_at IS NOT NULL AS successor_used,
         (g.revoked_at IS NULL AND g.expires_at > now()) AS grant_active,
         r.expires_at > now() AS token_active,
         ($3::text[] IS NULL OR $3::text[] <@ g.scopes) AS scope_ok
    FROM token.refresh_tokens r
    JOIN token.grants g ON g.id = r.grant_id
    LEFT JOIN token.refresh_tokens s ON s.hash = r.successor_hash
   WHERE r.hash = $1`;

// Rotation in one round trip. The UPDATE is the compare-and-swap: under concurrency Postgres
// re-checks `rotated_at IS NULL` on the latest row version after the winner commits, so exactly one
// caller rotates a token; the successor insert and the grant's last-used time ride on its result.
const ROTATE = `
  WITH presented AS (${PRESENTED}),
  rotated AS (
    UPDATE token.refresh_tokens r
       SET rotated_at = now(), successor_hash = $4
      FROM presented p
     WHERE r.hash = p.hash AND r.rotated_at IS NULL AND p.token_active AND p.grant_active
       AND p.scope_ok AND p.client_id = $5
    RETURNING r.grant_id
  ),
  successor AS (
    INSERT INTO token.refresh_tokens (hash, grant_id, expires_at)
    SELECT $4, p.grant_id, LEAST(p.expires_at, now() + $6::bigint * interval '1 millisecond')
      FROM rotated JOIN presented p ON p.grant_id = rotated.grant_id
  ),
  touched AS (
    UPDATE token.grants SET last_used_at = now() WHERE id IN (SELECT grant_id FROM rotated)
  )
  SELECT p.*, EXISTS (SELECT 1 FROM rotated) AS rotated FROM presented p`;

const CREATE = `
  WITH created AS (
    INSERT INTO token.grants AS g
           (id, client_id, client_name, user_id, github_login, scopes, resource, redirect_uri, expires_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + $9::bigint * interval '1 millisecond')
    RETURNING ${GRANT_COLUMNS}
  ),
  refresh AS (
    INSERT INTO token.refresh_tokens (hash, grant_id, expires_at)
    SELECT $10::text, id, LEAST(expires_at, now() + $11::bigint * interval '1 millisecond')
      FROM created WHERE $10::text IS NOT NULL
  ),
  client AS (
    -- At most once a minute: every grant of one client (ChatGPT's, for all its users) would
    -- otherwise update the same row and queue on its lock, one commit after another. The cleanup
    -- of unused clients counts in days and spares clients with live grants anyway.
    UPDATE token.clients SET last_granted_at = now()
     WHERE id = $2 AND (last_granted_at IS NULL OR last_granted_at < now() - interval '1 minute')
  )
  SELECT * FROM created`;

const REVOKE = (where: string) => `
  WITH revoked AS (
    UPDATE token.grants g SET revoked_at = now(), revoked_reason = $2
     WHERE ${where} AND g.revoked_at IS NULL
    RETURNING ${GRANT_COLUMNS}
  ),
  dropped AS (
    DELETE FROM token.refresh_tokens WHERE grant_id IN (SELECT id FROM revoked)
  )
  SELECT * FROM revoked`;

/** Grants and refresh tokens in Postgres, through hand-written statements on the shared pool. */
export class SqlGrantStore implements GrantStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async create(grant: NewGrant): Promise<GrantRecord> {
    const { rows } = await this.#pool.query<GrantRow>({
      name: 'token_grant_create',
      text: CREATE,
      values: [
        grant.id,
        grant.clientId,
        grant.clientName,
        grant.userId,
        grant.githubLogin,
        grant.scopes,
        grant.resource,
        grant.redirectUri,
        grant.lifetimeMs,
        grant.refreshTokenHash ?? null,
        grant.refreshIdleMs,
      ],
    });
    return toGrant(rows[0]!);
  }

  async rotate(request: Parameters<GrantStore['rotate']>[0]): Promise<RotationResult> {
    const scopes = request.requestedScopes ?? null;
    const { rows } = await withDeadlockRetry(() =>
      this.#pool.query<PresentedRow>({
        name: 'token_refresh_rotate',
        text: ROTATE,
        values: [
          request.presentedHash,
          request.graceMs,
          scopes,
          request.successorHash,
          request.clientId,
          request.idleMs,
        ],
      }),
    );
    const first = classify(rows[0], request.clientId);
    if (first !== 'lost_race') return first;
    // The statement's snapshot predates a concurrent winner's commit: look again to see its rotation.
    const again = await this.#pool.query<PresentedRow>({
      name: 'token_refresh_inspect',
      text: `${PRESENTED}`,
      values: [request.presentedHash, request.graceMs, scopes],
    });
    const second = classify(again.rows[0] && { ...again.rows[0], rotated: false }, request.clientId);
    return second === 'lost_race' ? { outcome: 'unknown' } : second;
  }

  async findRefreshToken(hash: string): Promise<RefreshTokenRecord | undefined> {
    const { rows } = await this.#pool.query<
      GrantRow & { token_created_at: Date; token_expires_at: Date; active: boolean }
    >({
      name: 'token_refresh_find',
      text: `SELECT ${GRANT_COLUMNS}, r.created_at AS token_created_at, r.expires_at AS token_expires_at,
                    (r.rotated_at IS NULL AND r.expires_at > now() AND g.revoked_at IS NULL
                     AND g.expires_at > now()) AS active
               FROM token.refresh_tokens r JOIN token.grants g ON g.id = r.grant_id
              WHERE r.hash = $1`,
      values: [hash],
    });
    const row = rows[0];
    if (!row) return undefined;
    return {
      grant: toGrant(row),
      createdAt: row.token_created_at,
      expiresAt: row.token_expires_at,
      active: row.active,
    };
  }

  async find(grantId: string): Promise<GrantRecord | undefined> {
    if (!UUID.test(grantId)) return undefined;
    const { rows } = await this.#pool.query<GrantRow>({
      name: 'token_grant_find',
      text: `SELECT ${GRANT_COLUMNS} FROM token.grants g WHERE g.id = $1`,
      values: [grantId],
    });
    return rows[0] ? toGrant(rows[0]) : undefined;
  }

  async revoke(grantId: string, reason: string): Promise<GrantRecord | undefined> {
    if (!UUID.test(grantId)) return undefined;
    const { rows } = await withDeadlockRetry(() =>
      this.#pool.query<GrantRow>({
        name: 'token_grant_revoke',
        text: REVOKE('g.id = $1'),
        values: [grantId, reason],
      }),
    );
    return rows[0] ? toGrant(rows[0]) : undefined;
  }

  async revokeAllForClient(clientId: string, reason: string): Promise<GrantRecord[]> {
    const { rows } = await withDeadlockRetry(() =>
      this.#pool.query<GrantRow>({
        name: 'token_grant_revoke_client',
        text: REVOKE('g.client_id = $1'),
        values: [clientId, reason],
      }),
    );
    return rows.map(toGrant);
  }

  async listActive(userId: string): Promise<GrantRecord[]> {
    const { rows } = await this.#pool.query<GrantRow>({
      name: 'token_grant_list',
      text: `SELECT ${GRANT_COLUMNS} FROM token.grants g
              WHERE g.user_id = $1 AND g.revoked_at IS NULL AND g.expires_at > now()
              ORDER BY g.created_at DESC LIMIT 500`,
      values: [userId],
    });
    return rows.map(toGrant);
  }

  async deleteExpired(accessTokenTtlMs: number): Promise<{ refreshTokens: number; grants: number }> {
    // Batched, so one run never holds a long lock or a huge transaction.
    const refreshTokens = await this.#deleteInBatches(
      `DELETE FROM token.refresh_tokens WHERE hash IN (
         SELECT hash FROM token.refresh_tokens WHERE expires_at < now() LIMIT ${BATCH})`,
      [],
    );
    // Kept one access-token lifetime past revocation or expiry: introspection and revocation of an
    // access token look its grant up by `gid` until the last such token has expired.
    const grants = await this.#deleteInBatches(
      `DELETE FROM token.grants WHERE id IN (
         SELECT id FROM token.grants
          WHERE revoked_at < now() - $1::bigint * interval '1 millisecond'
             OR expires_at < now() - $1::bigint * interval '1 millisecond'
          LIMIT ${BATCH})`,
      [accessTokenTtlMs],
    );
    return { refreshTokens, grants };
  }

  async #deleteInBatches(text: string, values: unknown[]): Promise<number> {
    let total = 0;
    for (;;) {
      const { rowCount } = await this.#pool.query(text, values);
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < BATCH) return total;
    }
  }
}

/**
 * A rotation locks the token row then its grant; a revocation locks the grant then its tokens. When
 * both hit one grant at once Postgres aborts one with a deadlock (40P01); the statement is atomic,
 * so running it again is safe and decides the race cleanly.
 */
async function withDeadlockRetry<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt >= attempts) throw error;
    }
  }
}

function classify(row: PresentedRow | undefined, clientId: string): RotationResult | 'lost_race' {
  if (!row) return { outcome: 'unknown' };
  const grant = toGrant(row);
  if (row.rotated) return { outcome: 'rotated', grant };
  if (!row.grant_active) return { outcome: 'inactive', grant };
  if (row.client_id !== clientId) return { outcome: 'wrong_client', grant };
  if (row.was_rotated) {
    return {
      outcome: 'already_rotated',
      grant,
      withinGrace: row.within_grace,
      successorUsed: row.successor_used,
    };
  }
  if (!row.token_active) return { outcome: 'inactive', grant };
  if (!row.scope_ok) return { outcome: 'scope_exceeded', grant };
  return 'lost_race';
}

function toGrant(row: GrantRow): GrantRecord {
  return {
    id: row.id,
    clientId: row.client_id,
    clientName: row.client_name,
    userId: row.user_id,
    githubLogin: row.github_login,
    scopes: row.scopes,
    resource: row.resource,
    redirectUri: row.redirect_uri,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at ?? undefined,
  };
}

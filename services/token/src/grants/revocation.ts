import { type EventSink, originFields, type RequestOrigin } from '../events.ts';
import type { GrantRecord, GrantStore } from '../store/ports.ts';

/** Why a grant was revoked; recorded on the row and in the `token.grant.revoked` event. */
export type RevocationReason =
  | 'token_revoked'
  | 'refresh_token_reused'
  | 'code_replayed'
  | 'revoked_by_user'
  | 'client_deleted';

export interface RevocationDeps {
  grants: GrantStore;
  events: EventSink;
}

/**
 * Revokes a grant (its refresh tokens are deleted; its access tokens die through the event) and
 * publishes `token.grant.revoked`, waiting for the JetStream ack: gateways refuse the grant's access
 * tokens as soon as they hear it, so the caller must not answer before it is durable. Returns the
 * grant if this call revoked it, undefined if it was already revoked or does not exist.
 */
export async function revokeGrant(
  deps: RevocationDeps,
  grantId: string,
  reason: RevocationReason,
  origin?: RequestOrigin,
): Promise<GrantRecord | undefined> {
  const grant = await deps.grants.revoke(grantId, reason);
  if (grant) await announceRevocation(deps.events, grant, reason, origin);
  return grant;
}

/** Revokes every live grant of a client (RFC 7592 deletion), announcing each. */
export async function revokeClientGrants(
  deps: RevocationDeps,
  clientId: string,
  origin?: RequestOrigin,
): Promise<number> {
  const grants = await deps.grants.revokeAllForClient(clientId, 'client_deleted');
  await Promise.all(grants.map((grant) => announceRevocation(deps.events, grant, 'client_deleted', origin)));
  return grants.length;
}

function announceRevocation(
  events: EventSink,
  grant: GrantRecord,
  reason: RevocationReason,
  origin: RequestOrigin | undefined,
): Promise<void> {
  return events.publish({
    type: 'token.grant.revoked',
    outcome: 'success',
    actor: { userId: grant.userId, githubLogin: grant.githubLogin },
    clientId: grant.clientId,
    grantId: grant.id,
    ...originFields(origin),
    reason,
  });
}

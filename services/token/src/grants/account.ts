import { redirectHost } from '../clients/registration.ts';
import { tokenError } from '../errors.ts';
import type { RequestOrigin } from '../events.ts';
import type { GrantRecord } from '../store/ports.ts';
import { type RevocationDeps, revokeGrant } from './revocation.ts';

/** A grant as the "connected apps" page shows it. */
export interface GrantSummary {
  id: string;
  clientId: string;
  clientName: string;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date;
  redirectHost: string;
}

/** A person's live grants, newest first. */
export async function listGrants(deps: RevocationDeps, userId: string): Promise<GrantSummary[]> {
  if (!userId || userId.length > 256) throw tokenError('invalid_request', 'user_id is required.');
  const grants = await deps.grants.listActive(userId);
  return grants.map(summarize);
}

/**
 * Revokes one of a person's grants from the account page. A grant that is not theirs is
 * `not_found`, exactly like one that does not exist; revoking an already revoked grant succeeds.
 */
export async function revokeUserGrant(
  deps: RevocationDeps,
  userId: string,
  grantId: string,
  origin: RequestOrigin,
): Promise<void> {
  if (!userId) throw tokenError('invalid_request', 'user_id is required.');
  const grant = await deps.grants.find(grantId);
  if (!grant || grant.userId !== userId) throw tokenError('not_found', 'No such grant.');
  await revokeGrant(deps, grant.id, 'revoked_by_user', origin);
}

function summarize(grant: GrantRecord): GrantSummary {
  return {
    id: grant.id,
    clientId: grant.clientId,
    clientName: grant.clientName,
    scopes: grant.scopes,
    createdAt: grant.createdAt,
    lastUsedAt: grant.lastUsedAt,
    redirectHost: redirectHost(grant.redirectUri),
  };
}

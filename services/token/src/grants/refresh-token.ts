import { tokenError } from '../errors.ts';
import { originFields } from '../events.ts';
import { normalizeResource } from '../resource.ts';
import { parseRequestedScope } from '../scope.ts';
import type { GrantRecord } from '../store/ports.ts';
import { randomToken, sha256 } from '../tokens/opaque.ts';
import { issueAccessToken } from '../tokens/sign.ts';
import {
  type GrantDeps,
  type GrantRequest,
  type GrantTypeHandler,
  parameter,
  type TokenResult,
} from './grant-type.ts';
import { revokeGrant } from './revocation.ts';
import { openSuccessor, sealSuccessor } from './successor.ts';

/** How long a request inside the grace window waits for the winner of a concurrent rotation to store its pair. */
const SUCCESSOR_WAIT_MS = 2_000;
/** The sealed pair outlives the grace window a little, so a replay at its very end still finds it. */
const SUCCESSOR_MARGIN_MS = 5_000;

/**
 * RFC 6749 §6 with rotation (OAuth 2.1 §4.3.1, RFC 9700 §4.14.2). One conditional UPDATE decides
 * which request rotates a token. A rotated token presented again within REFRESH_REUSE_GRACE (before
 * its successor was used) gets the very same new pair, so a lost response or a burst of concurrent
 * refreshes never logs anyone out; presented later, it is reuse, and the whole grant is revoked.
 */
export const refreshTokenGrant: GrantTypeHandler = {
  grantType: 'refresh_token',

  async exchange(deps: GrantDeps, { client, params, origin }: GrantRequest): Promise<TokenResult> {
    const presented = parameter(params, 'refresh_token', { required: true, max: 256 });
    const requestedScopes = requestedScope(params.scope);
    const resource = parameter(params, 'resource', { max: 2_048 });
    if (resource !== undefined && normalizeResource(resource) !== deps.settings.resource) {
      throw tokenError('invalid_target', `The resource must be ${deps.settings.resource}.`);
    }

    const presentedHash = sha256(presented);
    const successor = randomToken();
    const rotation = await deps.grants.rotate({
      presentedHash,
      successorHash: sha256(successor),
      clientId: client.id,
      requestedScopes,
      idleMs: deps.settings.refreshTokenIdleTtlMs,
      graceMs: deps.settings.refreshReuseGraceMs,
    });

    switch (rotation.outcome) {
      case 'rotated': {
        const result = issue(deps, rotation.grant, requestedScopes, successor, presented, presentedHash);
        emitRotated(deps, rotation.grant, client.id, origin, result.scope, false);
        return result;
      }
      case 'already_rotated': {
        if (rotation.withinGrace && !rotation.successorUsed) {
          const replay = await waitForSuccessor(deps, presentedHash, presented);
          if (replay) {
            emitRotated(deps, rotation.grant, client.id, origin, replay.scope, true);
            return replay;
          }
          throw tokenError('invalid_grant', 'The refresh token has already been used.');
        }
        await revokeGrant(deps, rotation.grant.id, 'refresh_token_reused', origin);
        deps.events.emit({
          type: 'token.refresh_token.reused',
          outcome: 'denied',
          actor: { userId: rotation.grant.userId, githubLogin: rotation.grant.githubLogin },
          clientId: client.id,
          grantId: rotation.grant.id,
          ...originFields(origin),
          reason: 'invalid_grant',
        });
        throw tokenError(
          'invalid_grant',
          'The refresh token has already been used; the grant has been revoked.',
        );
      }
      case 'wrong_client':
        throw tokenError('invalid_grant', 'The refresh token was issued to another client.');
      case 'scope_exceeded':
        throw tokenError(
          'invalid_scope',
          'The requested scope exceeds the scope originally granted (RFC 6749 §6).',
        );
      case 'inactive':
      case 'unknown':
        throw tokenError('invalid_grant', 'The refresh token is invalid, expired or revoked.');
    }
  },
};

/** The narrower scope asked for, or undefined to keep the grant's (RFC 6749 §6). */
function requestedScope(scope: string | undefined): string[] | undefined {
  if (scope === undefined) return undefined;
  if (scope.length > 1_024) throw tokenError('invalid_request', 'scope is too long.');
  const { scopes, unknown } = parseRequestedScope(scope);
  if (unknown.length > 0) {
    throw tokenError('invalid_scope', `The scope "${unknown[0]!.slice(0, 60)}" is not supported.`);
  }
  return scopes.length > 0 ? scopes : undefined;
}

function issue(
  deps: GrantDeps,
  grant: GrantRecord,
  requestedScopes: string[] | undefined,
  successor: string,
  presented: string,
  presentedHash: string,
): TokenResult {
  const access = issueAccessToken(deps.keys, deps.settings, {
    userId: grant.userId,
    clientId: grant.clientId,
    scopes: requestedScopes ?? grant.scopes,
    grantId: grant.id,
  });
  const result: TokenResult = {
    accessToken: access.token,
    tokenType: 'Bearer',
    expiresIn: access.expiresIn,
    // RFC 6749 §6: the new refresh token keeps the grant's scope, whatever the access token narrowed to.
    refreshToken: successor,
    scope: access.claims.scope,
  };
  const grace = deps.settings.refreshReuseGraceMs;
  if (grace > 0) {
    const sealed = sealSuccessor({ result, expiresAt: access.claims.exp * 1000 }, presented, presentedHash);
    // Not awaited: this response does not depend on it, and a retry that arrives before it lands
    // waits for it (waitForSuccessor). If it fails, only a retry of a lost response is affected.
    deps.successors.save(presentedHash, sealed, grace + SUCCESSOR_MARGIN_MS).catch((error: unknown) => {
      deps.warn({ err: error, grantId: grant.id }, 'grace-window copy of a rotation not stored');
    });
  }
  return result;
}

/**
 * The pair the winning rotation stored. It stores it right after its statement commits, so a
 * request that lost the race may look before it is there: poll briefly.
 */
async function waitForSuccessor(
  deps: GrantDeps,
  presentedHash: string,
  presented: string,
): Promise<TokenResult | undefined> {
  const until = Date.now() + SUCCESSOR_WAIT_MS;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    const sealed = await deps.successors.load(presentedHash);
    const successor = sealed ? openSuccessor(sealed, presented, presentedHash) : undefined;
    if (successor) {
      const remaining = Math.max(0, Math.floor((successor.expiresAt - Date.now()) / 1000));
      return { ...successor.result, expiresIn: remaining };
    }
    if (Date.now() + delay > until) return undefined;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

function emitRotated(
  deps: GrantDeps,
  grant: GrantRecord,
  clientId: string,
  origin: GrantRequest['origin'],
  scope: string,
  graceReplay: boolean,
): void {
  deps.events.emit({
    type: 'token.refresh_token.rotated',
    outcome: 'success',
    actor: { userId: grant.userId, githubLogin: grant.githubLogin },
    clientId,
    grantId: grant.id,
    ...originFields(origin),
    details: { scope, grace_replay: graceReplay },
  });
}

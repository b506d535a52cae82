import { randomUUID } from 'node:crypto';
import { type Client, displayName } from '../clients/client.ts';
import { isCodeVerifier, verifierMatchesChallenge } from '../codes/pkce.ts';
import { tokenError } from '../errors.ts';
import { originFields } from '../events.ts';
import { normalizeResource } from '../resource.ts';
import type { CodeRecord } from '../store/ports.ts';
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

const GRANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.5) and resource indicators (RFC 8707 §2.2). The code is
 * taken atomically before anything else is decided, so it is single-use even under concurrency;
 * a refused redemption burns it too.
 */
export const authorizationCodeGrant: GrantTypeHandler = {
  grantType: 'authorization_code',

  async exchange(deps: GrantDeps, { client, params, origin }: GrantRequest): Promise<TokenResult> {
    const code = parameter(params, 'code', { required: true, max: 256 });
    const verifier = params.code_verifier;
    if (!verifier) throw tokenError('invalid_request', 'code_verifier is required (PKCE, RFC 7636 §4.5).');
    if (!isCodeVerifier(verifier)) {
      throw tokenError(
        'invalid_request',
        'code_verifier must be 43 to 128 unreserved characters (RFC 7636 §4.1).',
      );
    }
    const redirectUri = parameter(params, 'redirect_uri', { max: 2_048 });
    const resource = parameter(params, 'resource', { max: 2_048 });

    const codeHash = sha256(code);
    const taken = await deps.codes.take(codeHash);
    if (taken.status === 'unknown') {
      throw tokenError('invalid_grant', 'The authorization code is invalid or has expired.');
    }
    if (taken.status === 'used') {
      await answerReplay(deps, taken.marker, client, origin);
      throw tokenError('invalid_grant', 'The authorization code has already been used.');
    }
    const record = taken.record;
    try {
      checkBinding(record, client, { verifier, redirectUri, resource });
    } catch (error) {
      await deps.codes.markFailed(codeHash);
      throw error;
    }

    const refreshToken = client.metadata.grant_types.includes('refresh_token') ? randomToken() : undefined;
    const grant = await deps.grants.create({
      id: randomUUID(),
      clientId: client.id,
      clientName: displayName(client),
      userId: record.userId,
      githubLogin: record.githubLogin,
      scopes: record.scopes,
      resource: record.resource,
      redirectUri: record.redirectUri,
      // Without a refresh token the grant is over when its one access token expires.
      lifetimeMs: refreshToken ? deps.settings.refreshTokenTtlMs : deps.settings.accessTokenTtlMs,
      refreshTokenHash: refreshToken ? sha256(refreshToken) : undefined,
      refreshIdleMs: deps.settings.refreshTokenIdleTtlMs,
    });
    const access = issueAccessToken(deps.keys, deps.settings, {
      userId: grant.userId,
      clientId: client.id,
      scopes: grant.scopes,
      grantId: grant.id,
    });
    const actor = { userId: grant.userId, githubLogin: grant.githubLogin };
    const previousMarker = await deps.codes.markRedeemed(codeHash, grant.id);
    deps.events.emit({
      type: 'token.code.redeemed',
      outcome: 'success',
      actor,
      clientId: client.id,
      grantId: grant.id,
      ...originFields(origin),
    });
    deps.events.emit({
      type: 'token.token.issued',
      outcome: 'success',
      actor,
      clientId: client.id,
      grantId: grant.id,
      ...originFields(origin),
      details: {
        grant_type: 'authorization_code',
        scope: access.claims.scope,
        refresh_token_issued: Boolean(refreshToken),
      },
    });
    // A replay arrived while this redemption was in flight: it could not revoke a grant that did
    // not exist yet, so this one does (RFC 6749 §4.1.2). The response still carries the tokens,
    // which are already dead.
    if (previousMarker === 'replayed') await revokeGrant(deps, grant.id, 'code_replayed', origin);
    return {
      accessToken: access.token,
      tokenType: 'Bearer',
      expiresIn: access.expiresIn,
      ...(refreshToken ? { refreshToken } : {}),
      scope: access.claims.scope,
    };
  },
};

function checkBinding(
  record: CodeRecord,
  client: Client,
  presented: { verifier: string; redirectUri: string | undefined; resource: string | undefined },
): void {
  if (record.expiresAt <= Date.now()) {
    throw tokenError('invalid_grant', 'The authorization code is invalid or has expired.');
  }
  if (record.clientId !== client.id) {
    throw tokenError('invalid_grant', 'The authorization code was issued to another client.');
  }
  if (presented.redirectUri === undefined) {
    // RFC 6749 §4.1.3: required when the authorization request carried one. A client with a single
    // registered redirect URI may have left it out there, and then here too.
    const [only, ...others] = client.metadata.redirect_uris;
    if (others.length > 0 || only !== record.redirectUri) {
      throw tokenError(
        'invalid_request',
        'redirect_uri is required: it was part of the authorization request.',
      );
    }
  } else if (presented.redirectUri !== record.redirectUri) {
    throw tokenError('invalid_grant', 'redirect_uri does not match the one in the authorization request.');
  }
  if (!verifierMatchesChallenge(presented.verifier, record.codeChallenge)) {
    throw tokenError('invalid_grant', 'code_verifier does not match the code_challenge (RFC 7636 §4.6).');
  }
  if (presented.resource !== undefined && normalizeResource(presented.resource) !== record.resource) {
    throw tokenError('invalid_target', 'The resource does not match the authorization request.');
  }
}

/** RFC 6749 §4.1.2: a code used twice is refused, and what was issued from it is revoked. */
async function answerReplay(
  deps: GrantDeps,
  marker: string,
  client: Client,
  origin: GrantRequest['origin'],
): Promise<void> {
  const grantId = GRANT_ID.test(marker) ? marker : undefined;
  deps.events.emit({
    type: 'token.code.replayed',
    outcome: 'denied',
    clientId: client.id,
    ...(grantId ? { grantId } : {}),
    ...originFields(origin),
    reason: 'invalid_grant',
  });
  if (grantId) await revokeGrant(deps, grantId, 'code_replayed', origin);
}

import { isScope } from '@gatehouse/proto';
import { allowedScopes } from '../clients/client.ts';
import type { ClientDirectory } from '../clients/directory.ts';
import { isRegisteredRedirectUri } from '../clients/validation.ts';
import { tokenError } from '../errors.ts';
import { type EventSink, originFields, type RequestOrigin } from '../events.ts';
import { normalizeResource } from '../resource.ts';
import type { Settings } from '../settings.ts';
import type { CodeStore } from '../store/ports.ts';
import { randomToken, sha256 } from '../tokens/opaque.ts';
import { isS256Challenge } from './pkce.ts';

export interface CodeIssueDeps {
  directory: ClientDirectory;
  codes: CodeStore;
  events: EventSink;
  settings: Settings;
}

/** What identity asks for after consent; identity has validated the authorization request already. */
export interface CodeRequest {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: readonly string[];
  resource: string;
  userId: string;
  githubLogin: string;
  origin: RequestOrigin;
}

/**
 * Mints a single-use authorization code (256 bits) bound to the client, redirect URI, PKCE
 * challenge, scopes, resource and user, kept under its SHA-256 for AUTHORIZATION_CODE_TTL. The
 * binding is checked again here, since a code is a credential: identity's validation is not trusted
 * blindly.
 */
export async function issueCode(
  deps: CodeIssueDeps,
  request: CodeRequest,
): Promise<{ code: string; expiresIn: number }> {
  const client = await deps.directory.resolve(request.clientId);
  if (!client) throw tokenError('invalid_request', 'The client is unknown.');
  if (!isRegisteredRedirectUri(client.metadata.redirect_uris, request.redirectUri)) {
    throw tokenError('invalid_request', 'The redirect_uri is not registered for the client.');
  }
  if (!isS256Challenge(request.codeChallenge)) {
    throw tokenError(
      'invalid_request',
      'code_challenge must be an S256 challenge (43 base64url characters).',
    );
  }
  const scopes = [...new Set(request.scopes)];
  if (scopes.length === 0) throw tokenError('invalid_scope', 'At least one scope is required.');
  const permitted = allowedScopes(client);
  for (const scope of scopes) {
    if (!isScope(scope))
      throw tokenError('invalid_scope', `The scope "${scope.slice(0, 60)}" is not supported.`);
    if (permitted && !permitted.has(scope)) {
      throw tokenError('invalid_scope', `The client did not register the scope "${scope}".`);
    }
  }
  const resource = request.resource ? normalizeResource(request.resource) : deps.settings.resource;
  if (resource !== deps.settings.resource) {
    throw tokenError('invalid_target', `The resource must be ${deps.settings.resource}.`);
  }
  if (!request.userId || request.userId.length > 256)
    throw tokenError('invalid_request', 'user_id is required.');

  const code = randomToken();
  const now = Date.now();
  await deps.codes.save(
    sha256(code),
    {
      clientId: client.id,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      scopes,
      resource,
      userId: request.userId,
      githubLogin: request.githubLogin,
      expiresAt: now + deps.settings.codeTtlMs,
    },
    deps.settings.codeTtlMs,
  );
  deps.events.emit({
    type: 'token.code.issued',
    outcome: 'success',
    actor: { userId: request.userId, githubLogin: request.githubLogin },
    clientId: client.id,
    ...originFields(request.origin),
    details: { scope: scopes.join(' ') },
  });
  return { code, expiresIn: Math.floor(deps.settings.codeTtlMs / 1000) };
}

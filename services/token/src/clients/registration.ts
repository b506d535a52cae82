import { TokenError, tokenError } from '../errors.ts';
import { type EventSink, originFields, type RequestOrigin } from '../events.ts';
import { type RevocationDeps, revokeClientGrants } from '../grants/revocation.ts';
import type { Settings } from '../settings.ts';
import type { ClientStore, StoredClient } from '../store/ports.ts';
import { matchesHash, randomToken, sha256 } from '../tokens/opaque.ts';
import { AUTH_METHODS, type AuthMethod, type Client, type ClientMetadata } from './client.ts';
import type { ClientDirectory } from './directory.ts';
import { type MetadataPolicy, validateClientMetadata } from './validation.ts';

export interface RegistrationDeps extends RevocationDeps {
  clients: ClientStore;
  directory: ClientDirectory;
  events: EventSink;
  settings: Settings;
}

/** A registration (or RFC 7592 update) result. Secrets appear here once and are never stored in clear. */
export interface Registration {
  client: Client;
  clientSecret?: string;
  registrationAccessToken?: string;
  registrationClientUri: string;
}

// Compared against when the client id is unknown, so the answer takes as long either way.
const UNKNOWN_CLIENT_HASH = sha256('gatehouse: no such client');

function policy(settings: Settings): MetadataPolicy {
  return {
    authMethods: AUTH_METHODS,
    defaultAuthMethod: 'client_secret_basic',
    requireClientName: false,
    allowInlineJwks: true,
    devHosts: settings.devHosts,
  };
}

function usesSecret(method: AuthMethod): boolean {
  return method === 'client_secret_basic' || method === 'client_secret_post';
}

/** RFC 7591 §3: validates the metadata, mints the id and credentials, and stores only their hashes. */
export async function registerClient(
  deps: RegistrationDeps,
  raw: Record<string, unknown>,
  origin: RequestOrigin,
): Promise<Registration> {
  let metadata: ClientMetadata;
  try {
    metadata = validateClientMetadata(raw, policy(deps.settings));
  } catch (error) {
    if (error instanceof TokenError) {
      deps.events.emit({
        type: 'token.client.registration_rejected',
        outcome: 'failure',
        ...originFields(origin),
        reason: error.code,
        details: { description: error.description },
      });
    }
    throw error;
  }
  const id = randomToken(16);
  const clientSecret = usesSecret(metadata.token_endpoint_auth_method) ? randomToken() : undefined;
  const registrationAccessToken = randomToken();
  const createdAt = new Date();
  await deps.clients.create({
    id,
    metadata,
    secretHash: clientSecret ? sha256(clientSecret) : undefined,
    registrationTokenHash: sha256(registrationAccessToken),
    createdAt,
  });
  deps.events.emit({
    type: 'token.client.registered',
    outcome: 'success',
    clientId: id,
    ...originFields(origin),
    details: describe(metadata),
  });
  return {
    client: toClient({ id, metadata, createdAt }),
    ...(clientSecret ? { clientSecret } : {}),
    registrationAccessToken,
    registrationClientUri: deps.settings.registrationClientUri(id),
  };
}

/** RFC 7592 §2.1. */
export async function readClient(
  deps: RegistrationDeps,
  clientId: string,
  registrationAccessToken: string,
): Promise<Registration> {
  const stored = await authorize(deps, clientId, registrationAccessToken);
  return { client: toClient(stored), registrationClientUri: deps.settings.registrationClientUri(stored.id) };
}

export interface ClientUpdate {
  clientId: string;
  registrationAccessToken: string;
  raw: Record<string, unknown>;
  bodyClientId: string;
  bodyClientSecret: string;
}

/**
 * RFC 7592 §2.2: the body replaces the metadata (omitted fields fall back to their defaults). A client
 * moving to a client_secret_* method gets a new secret in the response; one keeping such a method
 * keeps its secret; one leaving it loses it.
 */
export async function updateClient(
  deps: RegistrationDeps,
  update: ClientUpdate,
  origin: RequestOrigin,
): Promise<Registration> {
  const stored = await authorize(deps, update.clientId, update.registrationAccessToken);
  if (update.bodyClientId !== stored.id) {
    throw tokenError(
      'invalid_request',
      'The client_id in the body must be the client being updated (RFC 7592 §2.2).',
    );
  }
  if (
    update.bodyClientSecret &&
    !(stored.secretHash && matchesHash(update.bodyClientSecret, stored.secretHash))
  ) {
    throw tokenError(
      'invalid_request',
      'The client_secret in the body is not the current secret (RFC 7592 §2.2).',
    );
  }
  const metadata = validateClientMetadata(update.raw, policy(deps.settings));
  let secretHash: string | undefined;
  let clientSecret: string | undefined;
  if (usesSecret(metadata.token_endpoint_auth_method)) {
    if (stored.secretHash) {
      secretHash = stored.secretHash;
    } else {
      clientSecret = randomToken();
      secretHash = sha256(clientSecret);
    }
  }
  await deps.clients.update(stored.id, metadata, secretHash);
  deps.directory.forget(stored.id);
  deps.events.emit({
    type: 'token.client.updated',
    outcome: 'success',
    clientId: stored.id,
    ...originFields(origin),
    details: describe(metadata),
  });
  return {
    client: toClient({ ...stored, metadata }),
    ...(clientSecret ? { clientSecret } : {}),
    registrationClientUri: deps.settings.registrationClientUri(stored.id),
  };
}

/** RFC 7592 §2.3: deletes the client and revokes every grant it holds. */
export async function deleteClient(
  deps: RegistrationDeps,
  clientId: string,
  registrationAccessToken: string,
  origin: RequestOrigin,
): Promise<void> {
  const stored = await authorize(deps, clientId, registrationAccessToken);
  const revoked = await revokeClientGrants(deps, stored.id, origin);
  await deps.clients.delete(stored.id);
  deps.directory.forget(stored.id);
  deps.events.emit({
    type: 'token.client.deleted',
    outcome: 'success',
    clientId: stored.id,
    ...originFields(origin),
    details: { grants_revoked: revoked },
  });
}

/**
 * The registration access token (RFC 7592 §3) authorizes the call. An unknown client and a wrong
 * token get the same `invalid_token` (RFC 7592 §2.1 asks for 401 for a client that does not exist).
 */
async function authorize(deps: RegistrationDeps, clientId: string, token: string): Promise<StoredClient> {
  const stored = clientId && clientId.length <= 64 ? await deps.clients.find(clientId) : undefined;
  const matches = matchesHash(token, stored?.registrationTokenHash ?? UNKNOWN_CLIENT_HASH);
  if (!stored || !token || !matches) {
    throw tokenError('invalid_token', 'The registration access token is invalid for this client.');
  }
  return stored;
}

function toClient(stored: Pick<StoredClient, 'id' | 'metadata' | 'createdAt'>): Client {
  return {
    id: stored.id,
    kind: 'registered',
    metadata: stored.metadata,
    issuedAt: Math.floor(stored.createdAt.getTime() / 1000),
  };
}

function describe(metadata: ClientMetadata): Record<string, string> {
  return {
    token_endpoint_auth_method: metadata.token_endpoint_auth_method,
    redirect_hosts: [...new Set(metadata.redirect_uris.map(redirectHost))].join(' '),
    ...(metadata.client_name ? { client_name: metadata.client_name } : {}),
  };
}

/** The host a redirect URI sends the browser to (the scheme, for private-use schemes). */
export function redirectHost(uri: string): string {
  try {
    const url = new URL(uri);
    return url.host || url.protocol.replace(/:$/, '');
  } catch {
    return '';
  }
}

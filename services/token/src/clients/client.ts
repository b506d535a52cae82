import type { JSONWebKeySet } from 'jose';

export const AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

export const GRANT_TYPES = ['authorization_code', 'refresh_token'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

export type ClientKind = 'registered' | 'metadata_document' | 'preconfigured';

/**
 * Validated client metadata with defaults applied, in RFC 7591 §2 names (the same JSON is stored in
 * `token.clients.metadata` and cached for metadata documents). Optional members are absent, never "".
 */
export interface ClientMetadata {
  redirect_uris: string[];
  token_endpoint_auth_method: AuthMethod;
  grant_types: GrantType[];
  response_types: ['code'];
  application_type: 'web' | 'native';
  /** Space-delimited catalog scopes the client may ask for; absent: any catalog scope. */
  scope?: string;
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  tos_uri?: string;
  policy_uri?: string;
  contacts?: string[];
  jwks_uri?: string;
  jwks?: JSONWebKeySet;
  software_id?: string;
  software_version?: string;
}

/** A client the service knows, whatever registered it. Never carries a plaintext secret. */
export interface Client {
  id: string;
  kind: ClientKind;
  metadata: ClientMetadata;
  /** SHA-256 (base64url) of the client secret, for client_secret_basic / client_secret_post. */
  secretHash?: string;
  /** Epoch seconds the client was registered (RFC 7591 `client_id_issued_at`); 0 if unknown. */
  issuedAt: number;
}

/** What a person sees as the client's name: its registered name, else its id. */
export function displayName(client: Client): string {
  return client.metadata.client_name ?? client.id;
}

/**
 * The scopes a client may be granted, or undefined for "any catalog scope". Only an operator's
 * configuration bounds a client: a self-registered (DCR or metadata-document) client's `scope` is its
 * own claim, and MCP clients register with the first challenge's scope and then step up (MCP
 * 2025-11-25 "Scope Challenge Handling"); the person's consent is the boundary for them.
 */
export function allowedScopes(client: Client): ReadonlySet<string> | undefined {
  const scope = client.metadata.scope;
  return client.kind === 'preconfigured' && scope ? new Set(scope.split(' ')) : undefined;
}

import type { Deadline } from '../request.ts';

export type ClientKind = 'registered' | 'metadata_document' | 'preconfigured';

/** A client as the token service resolved it (registered, pre-configured or a metadata document). */
export interface Client {
  id: string;
  kind: ClientKind;
  /** The registered `client_name`, or the client id when it has none. */
  name: string;
  uri: string;
  redirectUris: readonly string[];
  /** The scopes the client registered; null when it registered no `scope` (any catalog scope). */
  scopes: readonly string[] | null;
  /** Registered values; empty means the RFC 7591 §2 defaults (`code`, `authorization_code`). */
  responseTypes: readonly string[];
  grantTypes: readonly string[];
}

/** Port: the token service's client registry. Resolves to null for an unknown client. */
export interface ClientDirectory {
  resolve(clientId: string, call: Deadline): Promise<Client | null>;
}

import type { ClientMetadata } from '../clients/client.ts';

// The storage ports the domain depends on. Implementations: Prisma (clients, keys), SQL through the
// pool (grants and refresh tokens), Redis (codes, metadata-document cache, assertion jtis,
// refresh successors). STORAGE.md documents every table and key.

/** A dynamically registered client (RFC 7591), as stored. */
export interface StoredClient {
  id: string;
  metadata: ClientMetadata;
  secretHash: string | undefined;
  registrationTokenHash: string;
  createdAt: Date;
}

export interface ClientStore {
  find(id: string): Promise<StoredClient | undefined>;
  create(client: StoredClient): Promise<void>;
  /** Replaces the metadata (RFC 7592 §2.2) and the secret hash. */
  update(id: string, metadata: ClientMetadata, secretHash: string | undefined): Promise<void>;
  delete(id: string): Promise<boolean>;
  /** Deletes clients with no grant created for `unusedForMs` and no live grant; returns how many. */
  deleteUnused(unusedForMs: number): Promise<number>;
}

export interface GrantRecord {
  id: string;
  clientId: string;
  clientName: string;
  userId: string;
  githubLogin: string;
  scopes: string[];
  resource: string;
  redirectUri: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  revokedAt: Date | undefined;
}

export interface NewGrant {
  id: string;
  clientId: string;
  clientName: string;
  userId: string;
  githubLogin: string;
  scopes: string[];
  resource: string;
  redirectUri: string;
  lifetimeMs: number;
  /** The first refresh token's hash, when the client may refresh. */
  refreshTokenHash: string | undefined;
  refreshIdleMs: number;
}

export interface RotationRequest {
  presentedHash: string;
  successorHash: string;
  clientId: string;
  /** A narrower scope for the new access token; undefined keeps the grant's. */
  requestedScopes: string[] | undefined;
  idleMs: number;
  graceMs: number;
}

/** What a refresh did to the presented token; only `rotated` changed anything. */
export type RotationResult =
  | { outcome: 'rotated'; grant: GrantRecord }
  | { outcome: 'unknown' }
  | { outcome: 'inactive'; grant: GrantRecord }
  | { outcome: 'wrong_client'; grant: GrantRecord }
  | { outcome: 'scope_exceeded'; grant: GrantRecord }
  | { outcome: 'already_rotated'; grant: GrantRecord; withinGrace: boolean; successorUsed: boolean };

export interface RefreshTokenRecord {
  grant: GrantRecord;
  createdAt: Date;
  expiresAt: Date;
  /** Whether the token can still be exchanged: not rotated, not expired, grant live. */
  active: boolean;
}

export interface GrantStore {
  /** The grant, its first refresh token and the client's last-granted time, in one statement. */
  create(grant: NewGrant): Promise<GrantRecord>;
  /** Rotation as one atomic state change (a conditional UPDATE): only one caller ever wins a token. */
  rotate(request: RotationRequest): Promise<RotationResult>;
  findRefreshToken(hash: string): Promise<RefreshTokenRecord | undefined>;
  find(grantId: string): Promise<GrantRecord | undefined>;
  /** Revokes and drops its refresh tokens; returns the grant only if this call revoked it. */
  revoke(grantId: string, reason: string): Promise<GrantRecord | undefined>;
  revokeAllForClient(clientId: string, reason: string): Promise<GrantRecord[]>;
  listActive(userId: string): Promise<GrantRecord[]>;
  /** Expired refresh tokens, and grants revoked or expired more than `accessTokenTtlMs` ago. */
  deleteExpired(accessTokenTtlMs: number): Promise<{ refreshTokens: number; grants: number }>;
}

/** An authorization code's binding (RFC 6749 §4.1.2, RFC 7636 §4.4, RFC 8707 §2.1). */
export interface CodeRecord {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string[];
  resource: string;
  userId: string;
  githubLogin: string;
  /** Epoch ms; Redis expires the key too, this guards against a clock or TTL mistake. */
  expiresAt: number;
}

/**
 * What taking a code found. After a code is taken a "used" marker stays for a while: `pending`
 * until tokens are issued, then the grant id (a replay revokes it, RFC 6749 §4.1.2), `replayed` if
 * a replay arrived before the grant existed, `failed` if the redemption was refused.
 */
export type CodeTake =
  | { status: 'taken'; record: CodeRecord }
  | { status: 'used'; marker: string }
  | { status: 'unknown' };

export interface CodeStore {
  save(codeHash: string, record: CodeRecord, ttlMs: number): Promise<void>;
  /** Atomically takes the code (so exactly one caller ever gets it) and leaves the used marker. */
  take(codeHash: string): Promise<CodeTake>;
  /** Records the grant a code produced; returns the marker it replaced (`replayed` means revoke it). */
  markRedeemed(codeHash: string, grantId: string): Promise<string | undefined>;
  markFailed(codeHash: string): Promise<void>;
}

export interface SuccessorStore {
  /** Keeps the sealed response to a rotation for the grace window, under the presented token's hash. */
  save(presentedHash: string, sealed: string, ttlMs: number): Promise<void>;
  load(presentedHash: string): Promise<string | undefined>;
}

export interface AssertionReplayStore {
  /** Remembers a client assertion's `jti` until it expires; false if it was already seen. */
  remember(clientId: string, jti: string, ttlMs: number): Promise<boolean>;
}

export interface MetadataDocumentCache {
  get(url: string): Promise<ClientMetadata | undefined>;
  set(url: string, metadata: ClientMetadata, ttlMs: number): Promise<void>;
}

export type SigningKeyStatus = 'next' | 'current' | 'retired';

export interface StoredSigningKey {
  kid: string;
  status: SigningKeyStatus;
  publicJwk: Record<string, string>;
  privateJwkEncrypted: string;
  encryptionKeyId: string;
  createdAt: Date;
  activatedAt: Date | undefined;
  publishUntil: Date | undefined;
}

export interface NewSigningKey {
  kid: string;
  publicJwk: Record<string, string>;
  privateJwkEncrypted: string;
  encryptionKeyId: string;
}

export interface KeyStore {
  /** Keys that belong in the JWKS: current, next, and retired ones still inside `publish_until`. */
  listPublished(): Promise<StoredSigningKey[]>;
  /** Creates the current and next keys unless they exist; serialised across replicas. */
  ensureKeys(generate: () => Promise<NewSigningKey>): Promise<void>;
  /**
   * Retires current (published until `retiredPublishMs` from now), promotes next, adds a new next;
   * serialised across replicas. With `onlyIfOlderThanMs`, does nothing while current is younger.
   * Returns the new current kid, or undefined when nothing was due.
   */
  rotate(
    generate: () => Promise<NewSigningKey>,
    options: { retiredPublishMs: number; onlyIfOlderThanMs?: number },
  ): Promise<string | undefined>;
  deleteRetired(): Promise<number>;
}

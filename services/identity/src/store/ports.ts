import type { Scope } from '@gatehouse/proto';
import { z } from 'zod';
import type { PendingRequest } from '../authorization/pending-request.ts';

// The storage the domain needs, one port per concern. Postgres implementations live in
// postgres.ts, Redis ones in redis.ts; the domain never sees either.

/** A person, keyed by GitHub's numeric account id (the login can change). */
export interface User {
  id: string;
  githubId: number;
  githubLogin: string;
  avatarUrl: string;
}

export interface UserStore {
  /** Creates the user on first sign-in; afterwards refreshes the login and avatar. */
  upsertByGitHubId(profile: { githubId: number; githubLogin: string; avatarUrl: string }): Promise<User>;
  find(userId: string): Promise<User | null>;
}

/** A person's GitHub token pair, encrypted: `sealedTokens` is a compact JWE under `keyId`. */
export interface UpstreamAccount {
  userId: string;
  keyId: string;
  sealedTokens: string;
  /** The GitHub scopes the token carries. */
  scopes: string[];
  /** Null for OAuth App tokens, which do not expire. */
  expiresAt: Date | null;
  refreshTokenExpiresAt: Date | null;
  /** When GitHub issued this pair (sign-in or refresh). */
  obtainedAt: Date;
}

/** What a locked read decided: keep the row, replace it, or delete it. */
export type AccountChange = { write?: UpstreamAccount | 'delete' };

export interface UpstreamAccountStore {
  find(userId: string): Promise<UpstreamAccount | null>;
  /** Inserts or replaces the user's account. */
  save(account: UpstreamAccount): Promise<void>;
  /** Replaces the row only if it still holds `expectedSealed` (re-encryption under a new key). */
  replaceIfUnchanged(account: UpstreamAccount, expectedSealed: string): Promise<boolean>;
  /**
   * Runs `decide` with the user's row locked until it returns, then applies its change in the same
   * transaction, so concurrent refreshes of one user run one after the other.
   */
  withLock<T>(
    userId: string,
    decide: (account: UpstreamAccount | null) => Promise<AccountChange & { result: T }>,
  ): Promise<T>;
}

export interface ConsentStore {
  /** The scopes this person has approved for this client, or null if never. */
  find(userId: string, clientId: string): Promise<Scope[] | null>;
  /** Adds scopes to the remembered consent (the union with earlier approvals). */
  remember(userId: string, clientId: string, scopes: readonly Scope[]): Promise<void>;
  /** Forgets the consent unless it was given (again) after `before`; true if one was forgotten. */
  forget(userId: string, clientId: string, before: Date): Promise<boolean>;
}

/** Authorization requests waiting for sign-in and consent, under an unguessable id. */
export interface PendingRequestStore {
  create(id: string, request: PendingRequest, ttlMs: number): Promise<void>;
  find(id: string): Promise<PendingRequest | null>;
  /** Rewrites a request that still exists, keeping its expiry; false if it expired meanwhile. */
  update(id: string, request: PendingRequest): Promise<boolean>;
  /** Reads and deletes in one step: the request can be decided once. */
  take(id: string): Promise<PendingRequest | null>;
  delete(id: string): Promise<void>;
}

const bound = {
  /** PKCE verifier for the GitHub code exchange. */
  codeVerifier: z.string().min(1),
  /** Digest of the browser's session cookie, so only the browser that started may finish (login CSRF). */
  browser: z.string().min(1),
};

/**
 * The `state` we send to GitHub, mapped to what it continues: a pending authorization request, or
 * a sign-in from the connected-apps page (no client behind it). Read back through this schema, so a
 * value of another shape is an unknown state.
 */
export const upstreamStateSchema = z.union([
  z.object({ purpose: z.literal('account'), ...bound }),
  // States stored before account sign-in existed carry no purpose.
  z.object({ purpose: z.literal('authorization').optional(), pendingId: z.string().min(1), ...bound }),
]);
export type UpstreamState = z.infer<typeof upstreamStateSchema>;

export interface UpstreamStateStore {
  create(state: string, value: UpstreamState, ttlMs: number): Promise<void>;
  /** Single use: read and deleted in one step. */
  take(state: string): Promise<UpstreamState | null>;
}

export interface SessionRecord {
  userId: string;
  githubLogin: string;
  avatarUrl: string;
  /** For forms posted within this session (the connected-apps page). */
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
}

export interface SessionStore {
  create(sessionId: string, session: SessionRecord, ttlMs: number): Promise<void>;
  find(sessionId: string): Promise<SessionRecord | null>;
  /** Deletes the session; the record it held, if any. */
  delete(sessionId: string): Promise<SessionRecord | null>;
}

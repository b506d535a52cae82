import { digest, isOpaqueId, newOpaqueId } from '../secrets.ts';
import type { SessionRecord, SessionStore, User } from '../store/ports.ts';

export interface Session extends SessionRecord {
  /** Digest of the session id, to bind a pending request to this session without storing the id. */
  digest: string;
}

/**
 * Browser login sessions: an opaque 256-bit id in the cookie, the record in Redis, an absolute
 * lifetime. A new id at every sign-in, so a planted cookie is never promoted
 * to a signed-in session (session fixation).
 */
export class Sessions {
  readonly #store: SessionStore;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(store: SessionStore, ttlMs: number, now: () => number = Date.now) {
    this.#store = store;
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  async open(user: User): Promise<{ id: string; session: Session; maxAgeSeconds: number }> {
    const id = newOpaqueId();
    const createdAt = this.#now();
    const record: SessionRecord = {
      userId: user.id,
      githubLogin: user.githubLogin,
      avatarUrl: user.avatarUrl,
      csrfToken: newOpaqueId(),
      createdAt,
      expiresAt: createdAt + this.#ttlMs,
    };
    await this.#store.create(id, record, this.#ttlMs);
    return { id, session: { ...record, digest: digest(id) }, maxAgeSeconds: Math.floor(this.#ttlMs / 1000) };
  }

  /** The signed-in session behind a cookie value, or null (absent, malformed, expired, ended). */
  async find(sessionId: string): Promise<Session | null> {
    if (!isOpaqueId(sessionId)) return null;
    const record = await this.#store.find(sessionId);
    if (!record || record.expiresAt <= this.#now()) return null;
    return { ...record, digest: digest(sessionId) };
  }

  /** Ends a session; the record it had, if any. */
  async end(sessionId: string): Promise<SessionRecord | null> {
    return isOpaqueId(sessionId) ? this.#store.delete(sessionId) : null;
  }
}

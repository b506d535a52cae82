import type { Scope } from '@gatehouse/proto';
import type { ConsentStore } from '../store/ports.ts';

/** Remembered approvals per (person, client), so a covered request skips the consent page. */
export class Consents {
  readonly #store: ConsentStore;

  constructor(store: ConsentStore) {
    this.#store = store;
  }

  /** True when this person already approved every one of these scopes for this client. */
  async cover(userId: string, clientId: string, scopes: readonly Scope[]): Promise<boolean> {
    const approved = await this.#store.find(userId, clientId);
    return approved !== null && scopes.every((scope) => approved.includes(scope));
  }

  /** Remembers an approval, adding to what was approved before. */
  remember(userId: string, clientId: string, scopes: readonly Scope[]): Promise<void> {
    return this.#store.remember(userId, clientId, scopes);
  }

  /**
   * A grant of this client was revoked (by the person, the client, or reuse detection): the
   * approval goes with it, so the client cannot get a new code without the person seeing the
   * consent page again. An approval given after the revocation is kept.
   */
  forgetOnRevocation(revoked: { userId: string; clientId: string; at: Date }): Promise<boolean> {
    return this.#store.forget(revoked.userId, revoked.clientId, revoked.at);
  }
}

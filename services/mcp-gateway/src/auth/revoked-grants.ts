/**
 * The grants revoked recently enough that some access token issued under them may still be
 * unexpired. An entry is kept for the longest access-token lifetime (plus clock leeway) after
 * the revocation: no token of that grant can outlive it, because the verifier refuses tokens
 * that live longer (`exp - iat`), and a revoked grant issues no new ones.
 */
export class RevokedGrants {
  readonly #retentionMs: number;
  readonly #now: () => number;
  /** grant id → epoch ms until which its tokens are refused. */
  readonly #until = new Map<string, number>();

  constructor(options: { retentionMs: number; now?: () => number }) {
    this.#retentionMs = options.retentionMs;
    this.#now = options.now ?? Date.now;
  }

  /** Records a revocation; `revokedAt` (epoch ms) is when the token service revoked the grant. */
  add(grantId: string, revokedAt: number): void {
    const until = revokedAt + this.#retentionMs;
    if (until <= this.#now()) return;
    if ((this.#until.get(grantId) ?? 0) < until) this.#until.set(grantId, until);
  }

  has(grantId: string): boolean {
    const until = this.#until.get(grantId);
    if (until === undefined) return false;
    if (until > this.#now()) return true;
    this.#until.delete(grantId);
    return false;
  }

  /** Drops entries whose tokens have all expired. */
  sweep(): void {
    const now = this.#now();
    for (const [grantId, until] of this.#until) if (until <= now) this.#until.delete(grantId);
  }

  get size(): number {
    return this.#until.size;
  }
}

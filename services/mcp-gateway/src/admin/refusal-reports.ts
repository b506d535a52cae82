const WINDOW_MS = 60_000;
const MAX_TRACKED = 10_000;

/**
 * At most one refusal event per address per minute: a script hammering /admin with bad tokens
 * must not flood the audit log it is trying to read. Each report says how many it stands for.
 */
export class RefusalReports {
  readonly #seen = new Map<string, { since: number; suppressed: number }>();

  /** The number of refusals suppressed since the last report, when one is due now; undefined otherwise. */
  admit(key: string, now = Date.now()): number | undefined {
    const entry = this.#seen.get(key);
    if (entry && now - entry.since < WINDOW_MS) {
      entry.suppressed += 1;
      return undefined;
    }
    if (this.#seen.size >= MAX_TRACKED) this.#prune(now);
    this.#seen.set(key, { since: now, suppressed: 0 });
    return entry?.suppressed ?? 0;
  }

  #prune(now: number): void {
    for (const [key, entry] of this.#seen) if (now - entry.since >= WINDOW_MS) this.#seen.delete(key);
    // Still full (a flood from many addresses): forget the oldest half rather than grow.
    if (this.#seen.size >= MAX_TRACKED) {
      for (const key of [...this.#seen.keys()].slice(0, MAX_TRACKED / 2)) this.#seen.delete(key);
    }
  }
}

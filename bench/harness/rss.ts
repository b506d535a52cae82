// Resident memory of child processes, from /proc/<pid>/status (VmRSS), sampled in the background.
import { readFileSync } from 'node:fs';

export function rssMegabytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Keeps the peak RSS of each named process while running. */
export class RssSampler {
  readonly peaks = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;

  readonly pids: Map<string, number>;

  constructor(pids: Map<string, number>) {
    this.pids = pids;
  }

  sample(): Map<string, number> {
    const now = new Map<string, number>();
    for (const [name, pid] of this.pids) {
      const mb = rssMegabytes(pid);
      now.set(name, mb);
      this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, mb));
    }
    return now;
  }

  start(intervalMs = 250): void {
    this.#timer = setInterval(() => this.sample(), intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

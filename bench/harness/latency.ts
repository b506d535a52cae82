// Latency bookkeeping for the custom load loops (autocannon reports its own).
export class Latencies {
  readonly samples: number[] = [];
  errors = 0;

  add(ms: number): void {
    this.samples.push(ms);
  }

  percentile(p: number): number {
    if (this.samples.length === 0) return Number.NaN;
    const sorted = [...this.samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  }
}

/** Runs `worker` on `concurrency` lanes until `durationMs` passes; returns completed count per second. */
export async function runFor(
  durationMs: number,
  concurrency: number,
  worker: (lane: number) => Promise<void>,
): Promise<{ elapsedMs: number }> {
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      while (performance.now() < deadline) await worker(lane);
    }),
  );
  return { elapsedMs: performance.now() - started };
}

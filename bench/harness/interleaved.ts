// Two calls measured side by side in one closed loop: the tool call against its direct
// counterpart, and the tool call's floor against the same direct call.
import type { CpuMeter } from './cpu.ts';
import { Latencies, runFor } from './latency.ts';

export interface LoopResult {
  calls: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  failures: number;
}

/** One call; false (or a rejection) counts as a failure. */
export type Call = () => Promise<boolean>;

/**
 * Runs both calls for `seconds` each at `concurrency`, interleaved — at concurrency 1 call by
 * call, else in alternating phases of `phaseSeconds`, each phase's CPU counted on its call's
 * meter — so a VM whose speed drifts by tens of percent within a minute slows both alike.
 */
export async function interleaved(
  concurrency: number,
  seconds: number,
  calls: [Call, Call],
  meters: CpuMeter[] = [],
  phaseSeconds = 1,
): Promise<[LoopResult, LoopResult]> {
  const sides = calls.map(() => ({ latencies: new Latencies(), failures: 0, elapsedMs: 0 }));
  const timed = async (side: number) => {
    const started = performance.now();
    const ok = await calls[side]!().catch(() => false);
    sides[side]!.latencies.add(performance.now() - started);
    if (!ok) sides[side]!.failures++;
  };
  if (concurrency === 1) {
    let turn = 0;
    const { elapsedMs } = await runFor(seconds * 1000 * calls.length, 1, () => timed(turn++ % calls.length));
    for (const side of sides) side.elapsedMs = elapsedMs / calls.length;
  } else {
    for (let phase = 0; phase < Math.ceil(seconds / phaseSeconds); phase++) {
      for (const [index, side] of sides.entries()) {
        meters[index]?.resume();
        side.elapsedMs += (await runFor(phaseSeconds * 1000, concurrency, () => timed(index))).elapsedMs;
        meters[index]?.pause();
      }
    }
  }
  const [first, second] = sides.map((side) => ({
    calls: side.latencies.samples.length,
    requestsPerSecond: side.latencies.samples.length / (side.elapsedMs / 1000),
    p50: side.latencies.percentile(50),
    p99: side.latencies.percentile(99),
    failures: side.failures,
  }));
  return [first!, second!];
}

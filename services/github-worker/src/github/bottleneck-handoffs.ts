import Bottleneck from 'bottleneck/light.js';

/**
 * Both Octokit plugins schedule every request through Bottleneck (2.19), which hands work on
 * with zero-delay timers: its in-process datastore yields between steps with
 * `setTimeout(resolve, 0)`, and `_run` starts every job with `setTimeout(execute, wait)`, wait
 * being 0 unless the limiter spaces jobs. Node clamps each to at least 1 ms and a call takes a
 * dozen of them: measured against the emulator, one call through the throttling and retry plugins
 * cost 14.8 ms against 0.7 ms without; with the yields below 4.1 ms; with the job start too,
 * within about 1 ms of a plain Octokit. A zero delay becomes `setImmediate`, which still lets
 * other work run in between (what the hand-offs are for); positive delays (write spacing,
 * rate-limit waits) keep their timers.
 *
 * The datastore class is not exported, so that patch reaches it through a limiter's `_store`.
 * `stop({ dropWaitingJobs })` could not cancel a job inside its zero-delay hand-off; neither
 * plugin ever stops its limiters. Returns false, changing nothing, if Bottleneck's internals no
 * longer look as expected.
 */
export function speedUpBottleneck(): boolean {
  const store = (new Bottleneck() as unknown as { _store?: object })._store;
  const storePrototype = store
    ? (Object.getPrototypeOf(store) as { yieldLoop?: unknown; __immediate?: true })
    : undefined;
  const limiterPrototype = Bottleneck.prototype as unknown as LimiterInternals & { __immediate?: true };
  if (!storePrototype || typeof storePrototype.yieldLoop !== 'function') return false;
  if (typeof limiterPrototype._run !== 'function' || typeof limiterPrototype._free !== 'function')
    return false;
  if (storePrototype.__immediate && limiterPrototype.__immediate) return true;

  const yieldLoop = storePrototype.yieldLoop as (this: unknown, t?: number) => Promise<void>;
  storePrototype.yieldLoop = function patchedYieldLoop(this: unknown, t = 0): Promise<void> {
    return t > 0 ? yieldLoop.call(this, t) : new Promise((resolve) => setImmediate(resolve));
  };
  storePrototype.__immediate = true;

  const run = limiterPrototype._run;
  limiterPrototype._run = function patchedRun(this: LimiterInternals, index, job, wait) {
    if (wait > 0 || job.options.expiration != null) return run.call(this, index, job, wait);
    // Bottleneck's own _run, with the zero-delay timer as an immediate.
    job.doRun();
    const clearGlobalState = this._clearGlobalState.bind(this, index);
    const next = this._run.bind(this, index, job);
    const free = this._free.bind(this, index, job);
    this._scheduled[index] = {
      timeout: setImmediate(() => job.doExecute(this._limiter, clearGlobalState, next, free)),
      expiration: undefined,
      job,
    };
    return this._scheduled[index];
  };
  limiterPrototype.__immediate = true;
  return true;
}

/** The parts of Bottleneck's (untyped) internals the patch reads. */
interface LimiterInternals {
  _run(index: string, job: BottleneckJob, wait: number): unknown;
  _free(index: string, job: BottleneckJob, ...rest: unknown[]): unknown;
  _clearGlobalState(index: string): boolean;
  _limiter: unknown;
  _scheduled: Record<string, { timeout: unknown; expiration: unknown; job: BottleneckJob }>;
}

interface BottleneckJob {
  options: { expiration?: number | null };
  doRun(): void;
  doExecute(limiter: unknown, clearGlobalState: () => boolean, run: unknown, free: unknown): unknown;
}

// CPU time per operation, per process: where a scenario's work goes on this machine, including
// Postgres, NATS and Redis, which a profile of our own services cannot show. Read from
// /proc/<pid>/stat (user + system time); on a machine without /proc the rows say n/a.
import { readdirSync, readFileSync } from 'node:fs';

/** Processes of the servers every request crosses, by their command name in /proc. */
const SERVERS: Record<string, string> = {
  postgres: 'postgres',
  'nats-server': 'nats-server',
  'redis-server': 'redis-server',
};

const TICKS_PER_SECOND = 100;

function cpuMs(pid: number | 'self'): { name: string; ms: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    // Fields after the command: state is 3rd, utime 14th and stime 15th of the full line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { name, ms: (ticks * 1000) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** CPU milliseconds so far of each named process, and of every server process summed by kind. */
function snapshot(named: ReadonlyMap<string, number>): Map<string, number> {
  const totals = new Map<string, number>();
  for (const [name, pid] of named) {
    const cpu = cpuMs(pid);
    if (cpu) totals.set(name, cpu.ms);
  }
  const own = new Set(named.values());
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return totals;
  }
  for (const entry of entries) {
    if (own.has(Number(entry))) continue;
    const cpu = cpuMs(Number(entry));
    const kind = cpu && SERVERS[cpu.name];
    if (kind) totals.set(kind, (totals.get(kind) ?? 0) + cpu.ms);
  }
  return totals;
}

/**
 * Measures from `new CpuMeter(...)` to `perOperation(count)`, leaving out the spans between a
 * `pause()` and the next `resume()` (so two paths measured in alternating phases each get their
 * own meter). A process that exits in between (a Postgres backend) takes its time with it, so the
 * servers' figures are a lower bound.
 */
export class CpuMeter {
  readonly #named: ReadonlyMap<string, number>;
  readonly #spent = new Map<string, number>();
  #since: Map<string, number> | undefined;

  /** `named`: our processes by name; the load generator is added as `bench`. */
  constructor(named: ReadonlyMap<string, number>) {
    this.#named = new Map([...named, ['bench', process.pid]]);
    this.#since = snapshot(this.#named);
  }

  pause(): void {
    if (!this.#since) return;
    for (const [name, ms] of snapshot(this.#named)) {
      this.#spent.set(name, (this.#spent.get(name) ?? 0) + ms - (this.#since.get(name) ?? 0));
    }
    this.#since = undefined;
  }

  resume(): void {
    this.#since ??= snapshot(this.#named);
  }

  /** CPU ms per operation by process, busiest first, with the total last. */
  perOperation(operations: number): { name: string; ms: number }[] {
    this.pause();
    const rows = [...this.#spent]
      .map(([name, ms]) => ({ name, ms: ms / Math.max(operations, 1) }))
      .filter((row) => row.ms > 0)
      .sort((a, b) => b.ms - a.ms);
    return [...rows, { name: 'total', ms: rows.reduce((sum, row) => sum + row.ms, 0) }];
  }
}

import type { Agent } from 'undici';
import type { CpuMeter } from '../harness/cpu.ts';
import type { EmulatorProcess } from '../harness/emulator-process.ts';
import type { OAuthClient, TokenSet } from '../harness/oauth-client.ts';
import type { RssSampler } from '../harness/rss.ts';
import type { Stack } from '../harness/stack.ts';

export interface BenchContext {
  stack: Stack;
  emulator: EmulatorProcess;
  client: OAuthClient;
  rss: RssSampler;
  /** Keep-alive connections for the custom loops. */
  dispatcher: Agent;
  /** A registered public client, its redirect URI, and a first token set. */
  clientId: string;
  redirectUri: string;
  tokens: TokenSet;
}

export interface ResultRow {
  scenario: string;
  metric: string;
  value: string;
  target: string;
  /** undefined: reported, no target. */
  pass?: boolean;
}

export const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

/**
 * "total 3.02: token 0.92, postgres 0.55, ...": the CPU ms each process spent per operation. On N
 * cores, N × 1000 / total is the most operations per second this machine can do.
 */
export function cpuRow(scenario: string, operation: string, meter: CpuMeter, operations: number): ResultRow {
  return {
    scenario,
    metric: `CPU ms per ${operation}, by process`,
    value: cpuSummary(meter.perOperation(operations)),
    target: '',
  };
}

/** CpuMeter.perOperation's rows (the total last) as "total 3.02: token 0.92, postgres 0.55, ...". */
export function cpuSummary(rows: readonly { name: string; ms: number }[]): string {
  if (rows.length < 2) return 'n/a';
  const parts = rows.slice(0, -1).map((row) => `${row.name} ${fmt(row.ms, 2)}`);
  return `total ${fmt(rows.at(-1)!.ms, 2)}: ${parts.join(', ')}`;
}

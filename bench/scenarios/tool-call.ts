// tools/call list_repositories through gateway → NATS → worker → emulator, against the same call
// made directly with Octokit → emulator (as the issue defines "direct"): added latency at one
// connection, throughput at sixteen. Both sides run in the same closed loop with sub-millisecond
// timing, so the comparison is of the paths, not of two load generators. And they run
// interleaved (bench/harness/interleaved.ts), so the VM's drift slows both alike.
import { Octokit } from '@octokit/rest';
import { request } from 'undici';
import { CpuMeter } from '../harness/cpu.ts';
import { type EmulatorProcess, mintGitHubToken } from '../harness/emulator-process.ts';
import { type Call, interleaved } from '../harness/interleaved.ts';
import { mcpHeaders, toolCall } from '../harness/mcp-client.ts';
import { type BenchContext, cpuRow, fmt, type ResultRow } from './context.ts';

/** The direct side: Octokit lists the same page of repositories straight from the emulator. */
export async function directListing(emulator: EmulatorProcess): Promise<Call> {
  const token = await mintGitHubToken(emulator);
  const octokit = new Octokit({ auth: token, baseUrl: emulator.url });
  return async () => {
    const answer = await octokit.rest.repos.listForAuthenticatedUser({ per_page: 30, sort: 'updated' });
    return answer.status === 200;
  };
}

export interface Comparison {
  /** What the via side goes through, for the rows: "gateway", "the floor". */
  via: string;
  /** How the direct side calls GitHub, for the rows: "Octokit". */
  direct: string;
  scenario: string;
  /** Whether the rows carry the targets (the floor's rows are for reading against them). */
  judged: boolean;
  /** Processes whose CPU the rows break down. */
  processes: ReadonlyMap<string, number>;
}

/** Latency at one connection and throughput at sixteen of `via` against `direct`, as rows. */
export async function compareCalls(
  comparison: Comparison,
  via: Call,
  direct: Call,
  seconds: number,
): Promise<ResultRow[]> {
  const { scenario, judged } = comparison;
  // Warm both paths (JIT, connection pools, the gateway's token cache) before measuring.
  await interleaved(4, 1, [via, direct]);
  const [viaLatency, directLatency] = await interleaved(1, seconds, [via, direct]);
  const meters = [new CpuMeter(comparison.processes), new CpuMeter(comparison.processes)];
  for (const meter of meters) meter.pause();
  const [viaThroughput, directThroughput] = await interleaved(16, seconds, [via, direct], meters);
  const addedP50 = viaLatency.p50 - directLatency.p50;
  const addedP99 = viaLatency.p99 - directLatency.p99;
  const ratio = viaThroughput.requestsPerSecond / directThroughput.requestsPerSecond;
  const failures = {
    via: viaLatency.failures + viaThroughput.failures,
    direct: directLatency.failures + directThroughput.failures,
  };
  const target = (text: string, pass: boolean) => (judged ? { target: text, pass } : { target: '' });
  return [
    {
      scenario,
      metric: `direct (${comparison.direct}) p50 / p99 ms (1 conn)`,
      value: `${fmt(directLatency.p50, 2)} / ${fmt(directLatency.p99, 2)}`,
      target: '',
    },
    {
      scenario,
      metric: `via ${comparison.via} p50 / p99 ms (1 conn)`,
      value: `${fmt(viaLatency.p50, 2)} / ${fmt(viaLatency.p99, 2)}`,
      target: '',
    },
    { scenario, metric: 'added p50 ms', value: fmt(addedP50, 2), ...target('≤ 1', addedP50 <= 1) },
    { scenario, metric: 'added p99 ms', value: fmt(addedP99, 2), ...target('≤ 5', addedP99 <= 5) },
    {
      scenario,
      metric: 'req/s via / direct (16 conn)',
      value: `${fmt(viaThroughput.requestsPerSecond, 0)} / ${fmt(directThroughput.requestsPerSecond, 0)} = ${fmt(ratio, 2)}`,
      ...target('≥ 0.8', ratio >= 0.8),
    },
    {
      scenario,
      metric: `failed calls via ${comparison.via} / direct`,
      value: `${failures.via} / ${failures.direct}`,
      target: '0 / 0',
      pass: failures.via + failures.direct === 0,
    },
    cpuRow(scenario, `call via ${comparison.via} (16 conn)`, meters[0]!, viaThroughput.calls),
    cpuRow(scenario, 'direct call (16 conn)', meters[1]!, directThroughput.calls),
  ];
}

export async function toolCallScenario(context: BenchContext, seconds: number): Promise<ResultRow[]> {
  const headers = mcpHeaders(context.tokens.access_token);
  const body = JSON.stringify(toolCall('list_repositories', {}));
  const viaGateway = async () => {
    const answer = await request(context.stack.resource, {
      method: 'POST',
      headers,
      body,
      dispatcher: context.dispatcher,
    });
    const text = await answer.body.text();
    return answer.statusCode === 200 && !text.includes('"isError":true');
  };
  const processes = new Map([...context.rss.pids, ['emulator', context.emulator.process.pid ?? 0]]);
  return compareCalls(
    { via: 'gateway', direct: 'Octokit', scenario: 'tool call', judged: true, processes },
    viaGateway,
    await directListing(context.emulator),
    seconds,
  );
}

// tools/call list_repositories through gateway → NATS → worker → emulator, against the same call
// made directly with Octokit → emulator (as the issue defines "direct"): added latency at one
// connection, throughput at sixteen. Both sides run in the same closed loop with sub-millisecond
// timing, so the comparison is of the paths, not of two load generators. And they run
// interleaved — call by call for latency, in alternating one-second phases for throughput — so a
// VM whose speed drifts by tens of percent within a minute (as this one does) slows both alike.
import { Octokit } from '@octokit/rest';
import { request } from 'undici';
import { CpuMeter } from '../harness/cpu.ts';
import { Latencies, runFor } from '../harness/latency.ts';
import { mcpHeaders, toolCall } from '../harness/mcp-client.ts';
import { type BenchContext, cpuRow, fmt, type ResultRow } from './context.ts';

interface LoopResult {
  calls: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  failures: number;
}

type Call = () => Promise<boolean>;

/**
 * Runs both calls for `seconds` each at `concurrency`, interleaved: at concurrency 1 call by
 * call, else in alternating phases of `phaseSeconds`, each phase's CPU counted on its call's meter.
 */
async function interleaved(
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

export async function toolCallScenario(context: BenchContext, seconds: number): Promise<ResultRow[]> {
  const minted = (await context.emulator.control('tokens', { login: 'octocat', scopes: ['repo'] })) as {
    token: string;
  };
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
  const octokit = new Octokit({ auth: minted.token, baseUrl: context.emulator.url });
  const direct = async () => {
    const answer = await octokit.rest.repos.listForAuthenticatedUser({ per_page: 30, sort: 'updated' });
    return answer.status === 200;
  };
  // Warm both paths (JIT, connection pools, the gateway's token cache) before measuring.
  await interleaved(4, 1, [viaGateway, direct]);
  const [viaLatency, directLatency] = await interleaved(1, seconds, [viaGateway, direct]);
  const processes = new Map([...context.rss.pids, ['emulator', context.emulator.process.pid ?? 0]]);
  const meters = [new CpuMeter(processes), new CpuMeter(processes)];
  for (const meter of meters) meter.pause();
  const [viaThroughput, directThroughput] = await interleaved(16, seconds, [viaGateway, direct], meters);
  const viaCpu = cpuRow('tool call', 'call via gateway (16 conn)', meters[0]!, viaThroughput.calls);
  const directCpu = cpuRow('tool call', 'direct call (16 conn)', meters[1]!, directThroughput.calls);
  const addedP50 = viaLatency.p50 - directLatency.p50;
  const addedP99 = viaLatency.p99 - directLatency.p99;
  const ratio = viaThroughput.requestsPerSecond / directThroughput.requestsPerSecond;
  return [
    {
      scenario: 'tool call',
      metric: 'direct (Octokit) p50 / p99 ms (1 conn)',
      value: `${fmt(directLatency.p50, 2)} / ${fmt(directLatency.p99, 2)}`,
      target: '',
    },
    {
      scenario: 'tool call',
      metric: 'via gateway p50 / p99 ms (1 conn)',
      value: `${fmt(viaLatency.p50, 2)} / ${fmt(viaLatency.p99, 2)}`,
      target: '',
    },
    {
      scenario: 'tool call',
      metric: 'added p50 ms',
      value: fmt(addedP50, 2),
      target: '≤ 1',
      pass: addedP50 <= 1,
    },
    {
      scenario: 'tool call',
      metric: 'added p99 ms',
      value: fmt(addedP99, 2),
      target: '≤ 5',
      pass: addedP99 <= 5,
    },
    {
      scenario: 'tool call',
      metric: 'req/s via / direct (16 conn)',
      value: `${fmt(viaThroughput.requestsPerSecond, 0)} / ${fmt(directThroughput.requestsPerSecond, 0)} = ${fmt(ratio, 2)}`,
      target: '≥ 0.8',
      pass: ratio >= 0.8,
    },
    {
      scenario: 'tool call',
      metric: 'failed calls via gateway / direct',
      value: `${viaLatency.failures + viaThroughput.failures} / ${directLatency.failures + directThroughput.failures}`,
      target: '0 / 0',
      pass:
        viaLatency.failures + viaThroughput.failures + directLatency.failures + directThroughput.failures ===
        0,
    },
    viaCpu,
    directCpu,
  ];
}

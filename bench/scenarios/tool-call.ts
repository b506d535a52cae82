// tools/call list_repositories through gateway → NATS → worker → emulator, against the same listing
// fetched straight from the emulator: added latency at one connection, throughput at sixteen.
import { mcpHeaders, toolCall } from '../harness/mcp-client.ts';
import { load } from './autocannon-run.ts';
import { type BenchContext, fmt, type ResultRow } from './context.ts';

export async function toolCallScenario(context: BenchContext, seconds: number): Promise<ResultRow[]> {
  const minted = (await context.emulator.control('tokens', { login: 'octocat', scopes: ['repo'] })) as {
    token: string;
  };
  const gateway = {
    url: context.stack.resource,
    method: 'POST' as const,
    headers: mcpHeaders(context.tokens.access_token),
    body: JSON.stringify(toolCall('list_repositories', {})),
  };
  const direct = {
    url: `${context.emulator.url}/user/repos?per_page=30&sort=updated`,
    headers: { authorization: `token ${minted.token}`, accept: 'application/vnd.github+json' },
  };
  const viaLatency = await load({ ...gateway, connections: 1, durationSeconds: seconds });
  const directLatency = await load({ ...direct, connections: 1, durationSeconds: seconds });
  const viaThroughput = await load({ ...gateway, connections: 16, durationSeconds: seconds });
  const directThroughput = await load({ ...direct, connections: 16, durationSeconds: seconds });
  const addedP50 = viaLatency.p50 - directLatency.p50;
  const addedP99 = viaLatency.p99 - directLatency.p99;
  const ratio = viaThroughput.requestsPerSecond / directThroughput.requestsPerSecond;
  return [
    {
      scenario: 'tool call',
      metric: 'direct p50 / p99 ms (1 conn)',
      value: `${fmt(directLatency.p50)} / ${fmt(directLatency.p99)}`,
      target: '',
    },
    {
      scenario: 'tool call',
      metric: 'via gateway p50 / p99 ms (1 conn)',
      value: `${fmt(viaLatency.p50)} / ${fmt(viaLatency.p99)}`,
      target: '',
    },
    {
      scenario: 'tool call',
      metric: 'added p50 ms',
      value: fmt(addedP50),
      target: '≤ 1',
      pass: addedP50 <= 1,
    },
    {
      scenario: 'tool call',
      metric: 'added p99 ms',
      value: fmt(addedP99),
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
      metric: 'non-2xx via gateway',
      value: String(viaLatency.non2xx + viaThroughput.non2xx),
      target: '0',
      pass: viaLatency.non2xx + viaThroughput.non2xx === 0,
    },
  ];
}

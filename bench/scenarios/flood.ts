// Unauthenticated and invalid-token floods at /mcp (from child processes) while a legitimate client
// calls a tool: how many rejections per second, and what the flood does to the legitimate p99.
import { mcpHeaders, toolCall } from '../harness/mcp-client.ts';
import { load, loadInChild } from './autocannon-run.ts';
import { type BenchContext, fmt, type ResultRow } from './context.ts';

export async function floodScenario(context: BenchContext, seconds: number): Promise<ResultRow[]> {
  const body = JSON.stringify(toolCall('list_repositories', {}));
  const legit = {
    url: context.stack.resource,
    method: 'POST' as const,
    headers: mcpHeaders(context.tokens.access_token),
    body,
  };
  const before = await load({ ...legit, connections: 4, durationSeconds: seconds });
  const forged = `${context.tokens.access_token.slice(0, -8)}AAAAAAAA`;
  const floods = Promise.all([
    loadInChild({
      url: context.stack.resource,
      method: 'POST',
      headers: mcpHeaders(undefined),
      body,
      connections: 16,
      durationSeconds: seconds + 1,
    }),
    loadInChild({
      url: context.stack.resource,
      method: 'POST',
      headers: mcpHeaders(forged),
      body,
      connections: 16,
      durationSeconds: seconds + 1,
    }),
  ]);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const during = await load({ ...legit, connections: 4, durationSeconds: seconds });
  const [anonymous, invalid] = await floods;
  const rejected = anonymous.requestsPerSecond + invalid.requestsPerSecond;
  return [
    {
      scenario: 'flood',
      metric: 'legit p99 ms before / during',
      value: `${fmt(before.p99)} / ${fmt(during.p99)}`,
      target: '≤ 2× before',
      pass: during.p99 <= 2 * before.p99,
    },
    {
      scenario: 'flood',
      metric: 'legit req/s before / during',
      value: `${fmt(before.requestsPerSecond, 0)} / ${fmt(during.requestsPerSecond, 0)}`,
      target: '',
    },
    {
      scenario: 'flood',
      metric: 'rejected/s (no token + bad token)',
      value: `${fmt(anonymous.requestsPerSecond, 0)} + ${fmt(invalid.requestsPerSecond, 0)} = ${fmt(rejected, 0)}`,
      target: '≥ 5000',
      pass: rejected >= 5000,
    },
    {
      scenario: 'flood',
      metric: 'flood answers not rejected (2xx)',
      value: String(anonymous.total - anonymous.non2xx + invalid.total - invalid.non2xx),
      target: '0',
      pass: anonymous.total === anonymous.non2xx && invalid.total === invalid.non2xx,
    },
    {
      scenario: 'flood',
      metric: 'legit non-2xx during',
      value: String(during.non2xx),
      target: '0',
      pass: during.non2xx === 0,
    },
  ];
}

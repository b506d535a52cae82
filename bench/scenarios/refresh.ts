// 32 refresh chains: each posts its latest refresh token and keeps the rotated one (autocannon
// cannot chain a response into the next request, so this is a small undici loop).
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { CpuMeter } from '../harness/cpu.ts';
import { Latencies, runFor } from '../harness/latency.ts';
import { Browser, pkce } from '../harness/oauth-client.ts';
import { type BenchContext, cpuRow, fmt, type ResultRow } from './context.ts';

export async function tokenSets(context: BenchContext, count: number, concurrency = 8): Promise<string[]> {
  const refreshTokens: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      // One in-flight sign-in per browser: identity binds a pending login to the browser that began it.
      const browser = new Browser();
      while (next++ < count) {
        const verifier = pkce();
        const { code } = await context.client.obtainCode(browser, {
          clientId: context.clientId,
          redirectUri: context.redirectUri,
          pkce: verifier,
          state: randomBytes(4).toString('hex'),
        });
        const exchanged = await context.client.exchangeCode(
          context.clientId,
          code!,
          context.redirectUri,
          verifier.verifier,
        );
        refreshTokens.push(String(exchanged.json?.refresh_token));
      }
    }),
  );
  return refreshTokens;
}

export async function refreshScenario(context: BenchContext, durationMs: number): Promise<ResultRow[]> {
  const chains = await tokenSets(context, 32);
  const latencies = new Latencies();
  const url = `${context.stack.publicUrl}/oauth/token`;
  const cpu = new CpuMeter(context.rss.pids);
  const { elapsedMs } = await runFor(durationMs, chains.length, async (lane) => {
    const started = performance.now();
    const response = await request(url, {
      method: 'POST',
      dispatcher: context.dispatcher,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: context.clientId,
        refresh_token: chains[lane]!,
      }).toString(),
    });
    const body = (await response.body.json()) as { refresh_token?: string };
    if (response.statusCode !== 200 || !body.refresh_token) {
      latencies.errors++;
      return;
    }
    latencies.add(performance.now() - started);
    chains[lane] = body.refresh_token;
  });
  const rate = (latencies.samples.length / elapsedMs) * 1000;
  const p99 = latencies.percentile(99);
  return [
    {
      scenario: 'refresh (32 chains)',
      metric: 'rotations/s',
      value: fmt(rate, 0),
      target: '≥ 2000',
      pass: rate >= 2000,
    },
    {
      scenario: 'refresh (32 chains)',
      metric: 'p50 / p99 ms',
      value: `${fmt(latencies.percentile(50))} / ${fmt(p99)}`,
      target: 'p99 ≤ 40',
      pass: p99 <= 40,
    },
    {
      scenario: 'refresh (32 chains)',
      metric: 'errors',
      value: String(latencies.errors),
      target: '0',
      pass: latencies.errors === 0,
    },
    cpuRow('refresh (32 chains)', 'rotation', cpu, latencies.samples.length + latencies.errors),
  ];
}

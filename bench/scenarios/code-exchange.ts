// Code exchange: codes minted through the real flow (authorize → emulator auto-approve → callback,
// consent remembered after the first approval) before timing, then redeemed by 32 lanes.
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { CpuMeter } from '../harness/cpu.ts';
import { Latencies } from '../harness/latency.ts';
import { Browser, pkce } from '../harness/oauth-client.ts';
import { type BenchContext, cpuRow, fmt, type ResultRow } from './context.ts';

export async function codeExchangeScenario(
  context: BenchContext,
  mintBudgetMs: number,
  maxCodes: number,
): Promise<ResultRow[]> {
  const codes: { code: string; verifier: string }[] = [];
  const mintStarted = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      // One in-flight sign-in per browser: identity binds a pending login to the browser that began it.
      const browser = new Browser();
      while (codes.length < maxCodes && performance.now() - mintStarted < mintBudgetMs) {
        const verifier = pkce();
        const { code } = await context.client.obtainCode(browser, {
          clientId: context.clientId,
          redirectUri: context.redirectUri,
          pkce: verifier,
          state: randomBytes(4).toString('hex'),
        });
        codes.push({ code: code!, verifier: verifier.verifier });
      }
    }),
  );
  const mintRate = (codes.length / (performance.now() - mintStarted)) * 1000;
  const latencies = new Latencies();
  const url = `${context.stack.publicUrl}/oauth/token`;
  let next = 0;
  const cpu = new CpuMeter(context.rss.pids);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < codes.length) {
        const { code, verifier } = codes[next++]!;
        const t0 = performance.now();
        const response = await request(url, {
          method: 'POST',
          dispatcher: context.dispatcher,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            client_id: context.clientId,
            code,
            redirect_uri: context.redirectUri,
            code_verifier: verifier,
            resource: context.client.resource,
          }).toString(),
        });
        await response.body.text();
        if (response.statusCode === 200) latencies.add(performance.now() - t0);
        else latencies.errors++;
      }
    }),
  );
  const rate = (latencies.samples.length / (performance.now() - started)) * 1000;
  // Includes the audit service catching up with the minting's events.
  const cpuPerExchange = cpuRow('code exchange', 'exchange', cpu, codes.length);
  return [
    {
      scenario: 'code exchange',
      metric: 'codes minted (full browser flow)',
      value: `${codes.length} at ${fmt(mintRate, 0)}/s`,
      target: '',
    },
    {
      scenario: 'code exchange',
      metric: 'exchanges/s',
      value: fmt(rate, 0),
      target: '≥ 1000',
      pass: rate >= 1000,
    },
    {
      scenario: 'code exchange',
      metric: 'p50 / p99 ms',
      value: `${fmt(latencies.percentile(50))} / ${fmt(latencies.percentile(99))}`,
      target: '',
    },
    {
      scenario: 'code exchange',
      metric: 'errors',
      value: String(latencies.errors),
      target: '0',
      pass: latencies.errors === 0,
    },
    cpuPerExchange,
  ];
}

// `node bench/run.ts`: starts its own stack (five services and the GitHub emulator as child
// processes, a fresh database, a private NATS subject prefix and Redis key prefix, against this
// machine's Postgres/Redis/NATS), runs every scenario, prints a table and appends it, dated and with
// the machine's description, to bench/RESULTS.md. Loopback only; about two minutes.

import { appendFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { freePort } from '@gatehouse/testing/ports';
import { Agent } from 'undici';
import { scratchDatabase } from './harness/database.ts';
import { liftRateLimits, startEmulatorProcess } from './harness/emulator-process.ts';
import { BENCH_ENDPOINTS } from './harness/endpoints.ts';
import { OAuthClient } from './harness/oauth-client.ts';
import { RssSampler } from './harness/rss.ts';
import { SERVICE_NAMES, type Stack, startStack } from './harness/stack.ts';
import { codeExchangeScenario } from './scenarios/code-exchange.ts';
import type { BenchContext, ResultRow } from './scenarios/context.ts';
import { fmt } from './scenarios/context.ts';
import { floodScenario } from './scenarios/flood.ts';
import { floorScenario } from './scenarios/floor.ts';
import { jwtVerifyScenario } from './scenarios/jwt-verify.ts';
import { refreshScenario } from './scenarios/refresh.ts';
import { toolCallScenario } from './scenarios/tool-call.ts';
import { toolCallFloorScenario } from './scenarios/tool-call-floor.ts';

const { postgresUrl: POSTGRES_URL, redisUrl: REDIS_URL, natsUrl: NATS_URL } = BENCH_ENDPOINTS;
/**
 * Extra service environment for a comparison run, e.g. BENCH_SERVICE_ENV=OTEL_INSTRUMENTATION=false
 * (comma-separated KEY=VALUE pairs); recorded in the results heading.
 */
const EXTRA_SERVICE_ENV: Record<string, string> = Object.fromEntries(
  (process.env.BENCH_SERVICE_ENV ?? '')
    .split(',')
    .filter((pair) => pair.includes('='))
    .map((pair) => [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1).trim()]),
);
/** Seconds per timed phase; BENCH_SECONDS=2 for a smoke run. */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const RESULTS = new URL('./RESULTS.md', import.meta.url);
/**
 * BENCH_ONLY="tool call,refresh": run just those scenarios (while working on one); such a partial
 * run is printed but not recorded in RESULTS.md.
 */
const ONLY = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean);

const rows: ResultRow[] = [];
const record = (more: ResultRow[]) => {
  rows.push(...more);
  for (const row of more) process.stderr.write(`  ${row.scenario}: ${row.metric} = ${row.value}\n`);
};

async function scenario(name: string, run: () => Promise<ResultRow[]>): Promise<void> {
  if (ONLY.length > 0 && !ONLY.includes(name)) return;
  process.stderr.write(`${name}…\n`);
  try {
    record(await run());
  } catch (error) {
    record([
      {
        scenario: name,
        metric: 'failed',
        value: String((error as Error).message).slice(0, 120),
        target: '',
        pass: false,
      },
    ]);
  }
}

const database = await scratchDatabase(POSTGRES_URL);
const port = await freePort();
const emulator = await startEmulatorProcess(`http://127.0.0.1:${port}/oauth/callback/github`);
let stack: Stack | undefined;
try {
  await liftRateLimits(emulator);
  stack = await startStack({
    natsUrl: NATS_URL,
    redisUrl: REDIS_URL,
    databaseUrl: database.url,
    natsPrefix: `bench${Date.now()}`,
    redisPrefix: `bench${Date.now()}:`,
    githubUrl: emulator.url,
    port,
    env: {
      RATE_LIMIT_AUTHORIZE_PER_IP: 'off',
      RATE_LIMIT_TOKEN_PER_IP: 'off',
      RATE_LIMIT_TOKEN_PER_CLIENT: 'off',
      RATE_LIMIT_REGISTER_PER_IP: 'off',
      AUTHORIZATION_CODE_TTL: '10m',
      LOG_LEVEL: 'info',
      ...EXTRA_SERVICE_ENV,
    },
  });
  record([
    {
      scenario: 'startup',
      metric: 'launch → every service ready (s)',
      value: fmt(stack.readyMs / 1000, 2),
      target: '≤ 5',
      pass: stack.readyMs <= 5_000,
    },
  ]);
  const pids = new Map(SERVICE_NAMES.map((name) => [name, stack!.services[name]!.process.pid!] as const));
  const rss = new RssSampler(pids);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const idle = rss.sample();
  rss.peaks.clear();
  rss.start();

  const client = new OAuthClient(stack.publicUrl);
  const redirectUri = 'https://client.example.com/callback';
  const first = await client.connect({ redirectUri });
  const context: BenchContext = {
    stack,
    emulator,
    client,
    rss,
    dispatcher: new Agent({ connections: 64, pipelining: 1 }),
    clientId: first.clientId,
    redirectUri,
    tokens: first.tokens,
  };
  await scenario('JWT verification', () => jwtVerifyScenario(2_000));
  await scenario('refresh', () => refreshScenario(context, SECONDS * 1000));
  await scenario('refresh floor', () =>
    floorScenario({ natsUrl: NATS_URL, redisUrl: REDIS_URL, databaseUrl: database.url }, SECONDS * 1000),
  );
  await scenario('code exchange', () => codeExchangeScenario(context, SECONDS * 2000, 4_000));
  const toolCallSeconds = Math.max(2, Math.round(SECONDS * 0.75));
  await scenario('tool call', () => toolCallScenario(context, toolCallSeconds));
  await scenario('tool call floor', () => toolCallFloorScenario(emulator, NATS_URL, toolCallSeconds));
  await scenario('flood', () => floodScenario(context, SECONDS));
  rss.stop();
  for (const name of SERVICE_NAMES) {
    const idleMb = idle.get(name) ?? 0;
    const peakMb = rss.peaks.get(name) ?? 0;
    record([
      {
        scenario: 'memory',
        metric: `${name} RSS MB idle / peak under load`,
        value: `${fmt(idleMb, 0)} / ${fmt(peakMb, 0)}`,
        target: '≤ 120 / ≤ 250',
        pass: idleMb <= 120 && peakMb <= 250,
      },
    ]);
  }
  await context.dispatcher.close();
} finally {
  await stack?.stop();
  await emulator.stop();
  await database.drop();
}

const verdict = (row: ResultRow) => (row.pass === undefined ? '' : row.pass ? 'pass' : '**MISS**');
const table = [
  '| scenario | metric | measured | target | |',
  '|---|---|---|---|---|',
  ...rows.map(
    (row) => `| ${row.scenario} | ${row.metric} | ${row.value} | ${row.target} | ${verdict(row)} |`,
  ),
].join('\n');
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 1024 ** 3, 1)} GiB RAM, Node ${process.version}`;
const section = `\n## Run of ${new Date().toISOString()}\n\nMachine: ${machine}. Phases of ${SECONDS} s.${
  Object.keys(EXTRA_SERVICE_ENV).length > 0
    ? ` Service environment: ${Object.entries(EXTRA_SERVICE_ENV)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}.`
    : ''
}\n\n${table}\n`;
process.stdout.write(`${section}\n`);
if (ONLY.length === 0) appendFileSync(RESULTS, section);

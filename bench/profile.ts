// `node bench/profile.ts [service ...]`: runs one scenario (BENCH_PROFILE: refresh, the default,
// code-exchange, tool-call or flood) with `--cpu-prof` on the named services (default: token and
// mcp-gateway), stops them gracefully so the profiles are written, and prints self time by package
// and by function. The .cpuprofile files stay in bench/out/profiles (open them in Chrome DevTools
// for the call tree).

import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { freePort } from '@gatehouse/testing/ports';
import { Agent } from 'undici';
import { scratchDatabase } from './harness/database.ts';
import { liftRateLimits, startEmulatorProcess } from './harness/emulator-process.ts';
import { BENCH_ENDPOINTS } from './harness/endpoints.ts';
import { OAuthClient } from './harness/oauth-client.ts';
import { RssSampler } from './harness/rss.ts';
import { SERVICE_NAMES, type ServiceName, startStack } from './harness/stack.ts';
import { codeExchangeScenario } from './scenarios/code-exchange.ts';
import type { ResultRow } from './scenarios/context.ts';
import { floodScenario } from './scenarios/flood.ts';
import { refreshScenario } from './scenarios/refresh.ts';
import { toolCallScenario } from './scenarios/tool-call.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

const targets = (process.argv.length > 2 ? process.argv.slice(2) : ['token', 'mcp-gateway']) as ServiceName[];
for (const name of targets) if (!SERVICE_NAMES.includes(name)) throw new Error(`unknown service ${name}`);
const directory = new URL('./out/profiles/', import.meta.url).pathname;
rmSync(directory, { recursive: true, force: true });

const database = await scratchDatabase(BENCH_ENDPOINTS.postgresUrl);
const port = await freePort();
const emulator = await startEmulatorProcess(`http://127.0.0.1:${port}/oauth/callback/github`);
await liftRateLimits(emulator);
const stack = await startStack({
  natsUrl: BENCH_ENDPOINTS.natsUrl,
  redisUrl: BENCH_ENDPOINTS.redisUrl,
  databaseUrl: database.url,
  natsPrefix: `profile${Date.now()}`,
  redisPrefix: `profile${Date.now()}:`,
  githubUrl: emulator.url,
  port,
  env: {
    RATE_LIMIT_AUTHORIZE_PER_IP: 'off',
    RATE_LIMIT_TOKEN_PER_IP: 'off',
    RATE_LIMIT_TOKEN_PER_CLIENT: 'off',
    RATE_LIMIT_REGISTER_PER_IP: 'off',
  },
  serviceEnv: Object.fromEntries(
    targets.map((name) => [name, { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${directory}${name}` }]),
  ),
});
try {
  const client = new OAuthClient(stack.publicUrl);
  const redirectUri = 'https://client.example.com/callback';
  const first = await client.connect({ redirectUri });
  const dispatcher = new Agent({ connections: 64 });
  const context = {
    stack,
    emulator,
    client,
    // Our services' pids, so the CPU rows include them (the sampler itself is not started).
    rss: new RssSampler(
      new Map(
        Object.entries(stack.services).flatMap(([name, service]) =>
          service?.process.pid ? [[name, service.process.pid] as const] : [],
        ),
      ),
    ),
    dispatcher,
    clientId: first.clientId,
    redirectUri,
    tokens: first.tokens,
  };
  const scenarios: Record<string, () => Promise<ResultRow[]>> = {
    refresh: () => refreshScenario(context, 6_000),
    'code-exchange': () => codeExchangeScenario(context, 10_000, 5_000),
    'tool-call': () => toolCallScenario(context, 3),
    flood: () => floodScenario(context, 6),
  };
  const run = scenarios[process.env.BENCH_PROFILE ?? 'refresh'];
  if (!run) throw new Error(`BENCH_PROFILE must be one of ${Object.keys(scenarios).join(', ')}`);
  const rows = await run();
  for (const row of rows) process.stdout.write(`${row.scenario}: ${row.metric} = ${row.value}\n`);
  await dispatcher.close();
  // SIGTERM, so Node writes the profile on the way out.
  for (const name of targets) await stack.services[name]?.stop();
} finally {
  await stack.stop();
  await emulator.stop();
  await database.drop();
}

for (const name of targets) {
  mkdirSync(`${directory}${name}`, { recursive: true });
  const file = readdirSync(`${directory}${name}`).find((entry) => entry.endsWith('.cpuprofile'));
  if (!file) continue;
  const profile = JSON.parse(readFileSync(`${directory}${name}/${file}`, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const self = new Map<number, number>();
  for (const [index, id] of profile.samples.entries()) {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  }
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const time = self.get(node.id) ?? 0;
    total += time;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url
      .replace(/.*node_modules\//, '')
      .replace(/^file:\/\/\/.*?\/(services|packages)\//, '$1/');
    const fn = `${functionName || '(anonymous)'} ${where}:${lineNumber}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + time);
    const pkg =
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
      (url.startsWith('node:')
        ? 'node internals'
        : url
          ? where.split('/').slice(0, 2).join('/')
          : functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + time);
  }
  const top = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([key, time]) => `  ${((100 * time) / total).toFixed(1).padStart(5)} %  ${key}`)
      .join('\n');
  process.stdout.write(
    `\n${name}: ${(total / 1e6).toFixed(1)} s sampled\nby package:\n${top(byPackage)}\nby function:\n${top(byFunction)}\n`,
  );
}

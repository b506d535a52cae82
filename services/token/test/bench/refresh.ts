// Refresh-grant throughput of the token service, over NATS, against the real process:
//   node services/token/test/bench/refresh.ts [seconds=10] [concurrency=64] [grants=256]
// Needs Postgres, Redis and NATS on their standard loopback ports. Creates (and afterwards drops)
// its own database, subject prefix and key prefix.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Bus, eventStreamName } from '@gatehouse/bus';
import { createLogger } from '@gatehouse/logging';
import { token } from '@gatehouse/proto';
import pg from 'pg';
import { migrate } from '../../../../scripts/db-migrate.ts';

const [seconds = 10, concurrency = 64, grantCount = 256] = process.argv.slice(2).map(Number);
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const REDIRECT_URI = 'https://chatgpt.com/connector/oauth/bench';

/** CPU time (user + system) the service process has used, from /proc (Linux). */
function serviceCpuMs(): number {
  const fields = readFileSync(`/proc/${service.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
}

const name = `gatehouse_bench_${randomBytes(4).toString('hex')}`;
const databaseUrl = new URL(ADMIN_URL);
databaseUrl.pathname = `/${name}`;
migrate(databaseUrl.toString(), { quiet: true }); // dbmate creates the database
const prefix = `bench${randomBytes(4).toString('hex')}`;
// Connected first, so the event stream is created small (JetStream reserves max_bytes up front).
const bus = await Bus.connect({
  url: NATS_URL,
  prefix,
  service: 'bench',
  logger: createLogger({ service: 'bench', level: 'silent' }),
  stream: { maxBytes: 64 * 1024 ** 2 },
});
const service = spawn(process.execPath, [new URL('../../src/main.ts', import.meta.url).pathname], {
  env: {
    PATH: process.env.PATH ?? '',
    // e.g. BENCH_NODE_OPTIONS=--cpu-prof to profile the service
    NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? '',
    NATS_URL,
    NATS_SUBJECT_PREFIX: prefix,
    REDIS_URL,
    REDIS_KEY_PREFIX: `${prefix}:`,
    DATABASE_URL: databaseUrl.toString(),
    DATABASE_POOL_SIZE: '16',
    HEALTH_PORT: '0',
    LOG_LEVEL: 'info',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve, reject) => {
  service.once('exit', (code) => reject(new Error(`token service exited with ${code}`)));
  createInterface({ input: service.stdout! }).on('line', (line) => {
    if (line.includes('"msg":"ready"')) resolve();
  });
});

try {
  const client = await bus.request(token.TokenService.method.registerClient, {
    metadata: {
      redirectUris: [REDIRECT_URI],
      clientName: 'Bench',
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code', 'refresh_token'],
    },
  });
  const refreshTokens: string[] = [];
  for (let i = 0; i < grantCount; i += 1) {
    const verifier = randomBytes(32).toString('base64url');
    const { code } = await bus.request(token.TokenService.method.issueCode, {
      clientId: client.clientId,
      redirectUri: REDIRECT_URI,
      codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
      scopes: ['repos:read'],
      userId: `user-${i}`,
    });
    const tokens = await bus.request(token.TokenService.method.exchangeToken, {
      params: {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT_URI,
        client_id: client.clientId,
      },
    });
    refreshTokens.push(tokens.refreshToken);
  }

  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const until = performance.now() + seconds * 1000;
  const cpuBefore = process.cpuUsage();
  const serviceCpuBefore = serviceCpuMs();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        // Each worker takes the next grant in turn; a grant's chain is never refreshed concurrently.
        const slot = next++ % grantCount;
        const current = refreshTokens[slot]!;
        refreshTokens[slot] = '';
        if (!current) continue;
        const t0 = performance.now();
        try {
          const tokens = await bus.request(token.TokenService.method.exchangeToken, {
            params: { grant_type: 'refresh_token', refresh_token: current, client_id: client.clientId },
          });
          refreshTokens[slot] = tokens.refreshToken;
          latencies.push(performance.now() - t0);
        } catch {
          failures += 1;
          refreshTokens[slot] = current;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const serviceCpu = serviceCpuMs() - serviceCpuBefore;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
  console.error(
    JSON.stringify({
      refreshGrantsPerSecond: Math.round(latencies.length / elapsed),
      completed: latencies.length,
      failures,
      concurrency,
      latencyMs: { p50: at(0.5), p95: at(0.95), p99: at(0.99) },
      // Load-independent: what one refresh costs the service process, and the ceiling that implies per core.
      serviceCpuMsPerGrant: Number((serviceCpu / latencies.length).toFixed(3)),
      serviceCeilingPerCore: Math.round(latencies.length / (serviceCpu / 1000)),
      serviceCpuPercent: Math.round((serviceCpu / 1000 / elapsed) * 100),
      benchClientCpuPercent: Math.round(((cpu.user + cpu.system) / 1e6 / elapsed) * 100),
    }),
  );
} finally {
  await (await bus.jetstreamManager()).streams.delete(eventStreamName(prefix)).catch(() => {});
  await bus.drain();
  service.removeAllListeners('exit');
  service.kill('SIGTERM');
  await new Promise((resolve) => service.once('exit', resolve));
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
}

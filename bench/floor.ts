// `npm run bench:floor`: what the architecture's shapes cost on this machine with none of
// Gatehouse's code in them. First each layer of the gateway → NATS → token service shape
// (bench/scenarios/floor.ts): the last row bounds what the refresh scenario of `npm run bench` can
// reach here. Then the gateway → NATS → worker → GitHub shape of a tool call against the direct
// call (bench/scenarios/tool-call-floor.ts). Prints tables; records nothing.

import { scratchDatabase } from './harness/database.ts';
import { liftRateLimits, startEmulatorProcess } from './harness/emulator-process.ts';
import { BENCH_ENDPOINTS } from './harness/endpoints.ts';
import { cpuSummary, fmt } from './scenarios/context.ts';
import { FLOOR_LAYERS, measureFloor } from './scenarios/floor.ts';
import { toolCallFloorScenario } from './scenarios/tool-call-floor.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const { natsUrl, redisUrl, postgresUrl } = BENCH_ENDPOINTS;

const database = await scratchDatabase(postgresUrl);
try {
  const results = await measureFloor(
    FLOOR_LAYERS,
    { natsUrl, redisUrl, databaseUrl: database.url },
    SECONDS * 1000,
  );
  const lines = [
    '| layer | req/s | p50 / p99 ms | errors | CPU ms per request, by process |',
    '|---|---|---|---|---|',
  ];
  for (const result of results) {
    lines.push(
      `| ${result.layer} | ${fmt(result.rate, 0)} | ${fmt(result.p50)} / ${fmt(result.p99)} | ${result.errors} | ${cpuSummary(result.cpu)} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
} finally {
  await database.drop();
}

const emulator = await startEmulatorProcess('http://127.0.0.1:9/unused');
try {
  await liftRateLimits(emulator);
  const rows = await toolCallFloorScenario(emulator, natsUrl, Math.max(2, Math.round(SECONDS * 0.75)));
  const lines = ['| tool call floor | value |', '|---|---|'];
  for (const row of rows) lines.push(`| ${row.metric} | ${row.value} |`);
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await emulator.stop();
}

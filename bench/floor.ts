// `npm run bench:floor`: what each layer of the gateway → NATS → token service shape costs on
// this machine with none of Gatehouse's code in it (bench/scenarios/floor.ts). The last row bounds
// what the refresh scenario of `npm run bench` can reach here. Prints a table; records nothing.

import { scratchDatabase } from './harness/database.ts';
import { cpuSummary, fmt } from './scenarios/context.ts';
import { FLOOR_LAYERS, measureFloor } from './scenarios/floor.ts';

const database = await scratchDatabase(
  process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
);
try {
  const results = await measureFloor(
    FLOOR_LAYERS,
    {
      natsUrl: process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222',
      redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
      databaseUrl: database.url,
    },
    Number(process.env.BENCH_SECONDS ?? 6) * 1000,
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
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await database.drop();
}

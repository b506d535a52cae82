// Where the benchmarks find Postgres, Redis and NATS: the machine's own services unless the
// BENCH_*_URL variables say otherwise.
export const BENCH_ENDPOINTS = {
  postgresUrl: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  natsUrl: process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222',
} as const;

// The floor: what the gateway → NATS → token service shape costs on this machine with none of
// Gatehouse's code in it (bench/floor/server.ts), one layer at a time. 32 lanes post a
// refresh-sized form, as the refresh scenario does. The full stack of layers is the least a
// rotation through this architecture can cost here: Gatehouse's rotation also inserts the
// successor, encodes protobuf, seals the grace-window copy and stores the audit event.

import { connect, StorageType } from 'nats';
import pg from 'pg';
import { Agent, request } from 'undici';
import { type FloorProcess, startFloorProcess } from '../floor/process.ts';
import { CpuMeter } from '../harness/cpu.ts';
import { Latencies, runFor } from '../harness/latency.ts';
import { cpuSummary, fmt, type ResultRow } from './context.ts';

export interface FloorLayer {
  name: string;
  front: Record<string, string>;
  back?: Record<string, string>;
}

const FORWARD = { FLOOR_EXPRESS: '1', FLOOR_FORWARD: '1' };

/** Each layer adds one piece to the one before it; the last is the whole shape of a rotation. */
export const FLOOR_LAYERS: readonly FloorLayer[] = [
  { name: 'node:http answers', front: {} },
  { name: '+ Express, helmet, cors, form parser', front: { FLOOR_EXPRESS: '1' } },
  { name: '+ NATS request to a responder', front: FORWARD, back: {} },
  { name: '+ one prepared Postgres UPDATE', front: FORWARD, back: { FLOOR_PG: '1' } },
  { name: '+ a Redis SET (not awaited)', front: FORWARD, back: { FLOOR_PG: '1', FLOOR_REDIS: '1' } },
  {
    name: '+ an ES256 signature',
    front: FORWARD,
    back: { FLOOR_PG: '1', FLOOR_REDIS: '1', FLOOR_SIGN: '1' },
  },
  {
    name: '+ a JetStream event (acked, off the response path)',
    front: FORWARD,
    back: { FLOOR_PG: '1', FLOOR_REDIS: '1', FLOOR_SIGN: '1', FLOOR_EVENT: '1' },
  },
];

export interface FloorEndpoints {
  natsUrl: string;
  redisUrl: string;
  /** A scratch database: the floor creates its own table there. */
  databaseUrl: string;
}

export interface FloorResult {
  layer: string;
  rate: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU ms per request by process, the total last (CpuMeter.perOperation). */
  cpu: { name: string; ms: number }[];
}

const LANES = 32;
const ROWS = 10_000;

export async function measureFloor(
  layers: readonly FloorLayer[],
  endpoints: FloorEndpoints,
  durationMs: number,
): Promise<FloorResult[]> {
  const prefix = `floor${Date.now()}`;
  const stream = `FLOOR_${Date.now()}`;
  const nats = await connect({ servers: endpoints.natsUrl });
  const jsm = await nats.jetstreamManager();
  const results: FloorResult[] = [];
  try {
    const admin = new pg.Client({ connectionString: endpoints.databaseUrl });
    await admin.connect();
    await admin.query(`CREATE TABLE IF NOT EXISTS floor_rows (id int PRIMARY KEY,
      n bigint NOT NULL DEFAULT 0, touched_at timestamptz NOT NULL DEFAULT now())`);
    await admin.query(
      `INSERT INTO floor_rows (id) SELECT generate_series(0, ${ROWS - 1}) ON CONFLICT DO NOTHING`,
    );
    await admin.end();
    await jsm.streams.add({
      name: stream,
      subjects: [`${prefix}.token.event`],
      storage: StorageType.File,
      max_bytes: 64 * 1024 * 1024,
    });
    const env = {
      FLOOR_SUBJECT: `${prefix}.token`,
      FLOOR_NATS_URL: endpoints.natsUrl,
      FLOOR_REDIS_URL: endpoints.redisUrl,
      FLOOR_DATABASE_URL: endpoints.databaseUrl,
      FLOOR_ROWS: String(ROWS),
    };
    for (const layer of layers) {
      const back = layer.back ? await startFloorProcess('back', { ...env, ...layer.back }) : undefined;
      const front = await startFloorProcess('front', { ...env, ...layer.front });
      try {
        results.push(await drive(layer.name, front, back, durationMs));
      } finally {
        for (const child of [front, back]) child?.process.kill();
      }
    }
  } finally {
    await jsm.streams.delete(stream).catch(() => undefined);
    await nats.close();
  }
  return results;
}

/** `npm run bench`'s row: the whole shape, measured in the same minutes as the refresh scenario. */
export async function floorScenario(endpoints: FloorEndpoints, durationMs: number): Promise<ResultRow[]> {
  const [result] = await measureFloor(FLOOR_LAYERS.slice(-1), endpoints, durationMs);
  const scenario = 'refresh floor (same shape, no Gatehouse code)';
  return [
    { scenario, metric: 'requests/s', value: fmt(result!.rate, 0), target: '' },
    { scenario, metric: 'p50 / p99 ms', value: `${fmt(result!.p50)} / ${fmt(result!.p99)}`, target: '' },
    { scenario, metric: 'CPU ms per request, by process', value: cpuSummary(result!.cpu), target: '' },
  ];
}

async function drive(
  layer: string,
  front: FloorProcess,
  back: FloorProcess | undefined,
  durationMs: number,
): Promise<FloorResult> {
  const url = `http://127.0.0.1:${front.port}/oauth/token`;
  const dispatcher = new Agent({ connections: 64 });
  const body = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: 'https://chatgpt.com/connector/oauth/abc',
    refresh_token: 'x'.repeat(43),
  }).toString();
  const post = async (latencies?: Latencies) => {
    const started = performance.now();
    const response = await request(url, {
      method: 'POST',
      dispatcher,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    await response.body.json();
    if (response.statusCode !== 200) {
      if (latencies) latencies.errors++;
      return;
    }
    latencies?.add(performance.now() - started);
  };
  try {
    await runFor(1_000, LANES, () => post()); // warm-up: JIT, connections, the prepared statement
    const pids = new Map([['front', front.process.pid!]]);
    if (back) pids.set('back', back.process.pid!);
    const latencies = new Latencies();
    const cpu = new CpuMeter(pids);
    const { elapsedMs } = await runFor(durationMs, LANES, () => post(latencies));
    return {
      layer,
      rate: (latencies.samples.length / elapsedMs) * 1000,
      p50: latencies.percentile(50),
      p99: latencies.percentile(99),
      errors: latencies.errors,
      cpu: cpu.perOperation(latencies.samples.length + latencies.errors),
    };
  } finally {
    await dispatcher.close();
  }
}

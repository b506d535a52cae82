// Redis, NATS and Postgres each die (SIGKILL / immediate shutdown) and come back while traffic runs.
// While one is down, the gateway answers quickly: success, or 503 with Retry-After, never a hang.
// After it returns, every kind of request succeeds again within 5 s, no service has restarted, and
// every refresh-token rotation a client saw succeed is in the audit table.

import { eventStreamName } from '@gatehouse/bus';
import { describe, expect, test } from '@gatehouse/testing';
import { connect } from 'nats';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { type ScratchDatabase, scratchDatabase } from '../../bench/harness/database.ts';
import { toolCall } from '../../bench/harness/mcp-client.ts';
import { pkce } from '../../bench/harness/oauth-client.ts';
import { type ProofStack, startProofStack } from '../../bench/harness/proof-stack.ts';
import {
  type Dependency,
  type PrivateInfrastructure,
  startPrivateInfrastructure,
} from './support/private-infrastructure.ts';

const DOWNTIME_MS = 3_000;
const RECOVERY_LIMIT_MS = 5_000;
/** A request may take this long while a dependency is down; past it, it hangs. */
const ANSWER_LIMIT_MS = 5_000;
const NATS_PREFIX = 'faults';

type Kind = 'refresh' | 'tool' | 'authorize';
interface Sample {
  kind: Kind;
  startedAt: number;
  endedAt: number;
  status: number;
  retryAfter: string | null;
}

let infrastructure: PrivateInfrastructure;
let database: ScratchDatabase;
let stack: ProofStack;

beforeAll(async () => {
  infrastructure = await startPrivateInfrastructure();
  database = await scratchDatabase(infrastructure.postgresUrl);
  stack = await startProofStack({
    natsUrl: infrastructure.nats.url,
    redisUrl: infrastructure.redis.url,
    databaseUrl: database.url,
    natsPrefix: NATS_PREFIX,
    redisPrefix: 'faults:',
    env: {
      RATE_LIMIT_AUTHORIZE_PER_IP: 'off',
      RATE_LIMIT_TOKEN_PER_IP: 'off',
      RATE_LIMIT_TOKEN_PER_CLIENT: 'off',
      RATE_LIMIT_REGISTER_PER_IP: 'off',
      OAUTH_BUS_TIMEOUT: '3s',
      MCP_TOOL_TIMEOUT: '3s',
    },
  });
}, 60_000);

/** Set by the last test, which stops the stack itself to see what stopping leaves behind. */
let stackStopped = false;

afterAll(async () => {
  if (!stackStopped) await stack?.stop();
  await infrastructure?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function timed(kind: Kind, run: () => Promise<Response>): Promise<Sample> {
  const startedAt = performance.now();
  try {
    const response = await run();
    await response.body?.cancel();
    return {
      kind,
      startedAt,
      endedAt: performance.now(),
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
    };
  } catch {
    return { kind, startedAt, endedAt: performance.now(), status: 0, retryAfter: null };
  }
}

describe('dependency restarts under load', () => {
  test('each service rides out Redis, NATS and Postgres restarts: 503 + Retry-After while down, back within 5 s, no audit event lost', async () => {
    const redirectUri = 'https://client.example.com/callback';
    const { clientId, tokens } = await stack.client.connect({ redirectUri });
    let refreshToken = tokens.refresh_token;
    let accessToken = tokens.access_token;
    let rotations = 0;
    const samples: Sample[] = [];
    let running = true;
    const signal = () => AbortSignal.timeout(ANSWER_LIMIT_MS + 5_000);
    const loops: Record<Kind, () => Promise<Sample>> = {
      refresh: async () => {
        const started = performance.now();
        try {
          const response = await fetch(`${stack.publicUrl}/oauth/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              grant_type: 'refresh_token',
              client_id: clientId,
              refresh_token: refreshToken,
            }),
            signal: signal(),
          });
          const body = (await response.json().catch(() => ({}))) as {
            access_token?: string;
            refresh_token?: string;
          };
          if (response.status === 200 && body.refresh_token && body.refresh_token !== refreshToken) {
            rotations++;
            refreshToken = body.refresh_token;
            accessToken = body.access_token ?? accessToken;
          }
          return {
            kind: 'refresh',
            startedAt: started,
            endedAt: performance.now(),
            status: response.status,
            retryAfter: response.headers.get('retry-after'),
          };
        } catch {
          return {
            kind: 'refresh',
            startedAt: started,
            endedAt: performance.now(),
            status: 0,
            retryAfter: null,
          };
        }
      },
      tool: () =>
        timed('tool', () =>
          fetch(stack.resource, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              accept: 'application/json, text/event-stream',
              authorization: `Bearer ${accessToken}`,
            },
            body: JSON.stringify(toolCall('list_repositories', {})),
            signal: signal(),
          }),
        ),
      authorize: () =>
        timed('authorize', () =>
          fetch(stack.client.authorizeUrl({ clientId, redirectUri, pkce: pkce(), state: 'f' }), {
            redirect: 'manual',
            signal: signal(),
          }),
        ),
    };
    const load = Promise.all(
      (Object.keys(loops) as Kind[]).map(async (kind) => {
        while (running) {
          samples.push(await loops[kind]());
          await sleep(20);
        }
      }),
    );

    const outages: { dependency: string; downAt: number; upAt: number; recoveredMs: Record<Kind, number> }[] =
      [];
    try {
      for (const dependency of [
        infrastructure.redis,
        infrastructure.nats,
        infrastructure.postgres,
      ] as Dependency[]) {
        await sleep(800);
        const downAt = performance.now();
        await dependency.kill();
        await sleep(DOWNTIME_MS);
        await dependency.start();
        const upAt = performance.now();
        const recoveredMs = {} as Record<Kind, number>;
        const deadline = upAt + RECOVERY_LIMIT_MS + 5_000;
        while (performance.now() < deadline && Object.keys(recoveredMs).length < 3) {
          for (const kind of Object.keys(loops) as Kind[]) {
            const ok = samples.find(
              (s) => s.kind === kind && s.startedAt > upAt && s.status >= 200 && s.status < 400,
            );
            if (ok && recoveredMs[kind] === undefined) recoveredMs[kind] = Math.round(ok.endedAt - upAt);
          }
          await sleep(50);
        }
        outages.push({ dependency: dependency.name, downAt, upAt, recoveredMs });
      }
    } finally {
      running = false;
      await load;
    }

    for (const outage of outages) {
      const during = samples.filter((s) => s.startedAt >= outage.downAt && s.startedAt < outage.upAt + 5_000);
      const tally: Record<string, number> = {};
      for (const sample of during)
        tally[`${sample.kind} ${sample.status}`] = (tally[`${sample.kind} ${sample.status}`] ?? 0) + 1;
      console.error(
        `${outage.dependency} outage: recovery ${JSON.stringify(outage.recoveredMs)} ms; answers ${JSON.stringify(tally)}`,
      );
    }
    for (const outage of outages) {
      // Every kind of request works again within 5 s of the dependency's return.
      for (const kind of Object.keys(loops) as Kind[]) {
        expect
          .soft(outage.recoveredMs[kind] ?? Number.POSITIVE_INFINITY, `${kind} after ${outage.dependency}`)
          .toBeLessThanOrEqual(RECOVERY_LIMIT_MS);
      }
      const during = samples.filter((s) => s.startedAt >= outage.downAt && s.startedAt < outage.upAt);
      expect.soft(during.length, `requests during the ${outage.dependency} outage`).toBeGreaterThan(0);
      for (const sample of during) {
        const label = `${sample.kind} during the ${outage.dependency} outage`;
        expect
          .soft(sample.endedAt - sample.startedAt, `${label}: answer time`)
          .toBeLessThanOrEqual(ANSWER_LIMIT_MS);
        if (sample.status >= 200 && sample.status < 400) continue;
        expect
          .soft({ status: sample.status, retryAfter: sample.retryAfter !== null }, label)
          .toEqual({ status: 503, retryAfter: true });
      }
    }
    // No service restarted (or died) to get there.
    for (const service of Object.values(stack.services))
      expect(service?.process.exitCode, service?.name).toBeNull();

    // Every rotation a client saw succeed reached the audit table; the audit table holds every event
    // the stream holds.
    expect(rotations).toBeGreaterThan(0);
    const audit = new pg.Client({ connectionString: database.url });
    await audit.connect();
    const nats = await connect({ servers: infrastructure.nats.url });
    try {
      const jsm = await nats.jetstreamManager();
      let recorded = { rotations: 0, all: 0 };
      let streamed = 0;
      const deadline = Date.now() + 15_000;
      do {
        const { rows } = await audit.query<{ rotations: string; all: string }>(
          `SELECT count(*) FILTER (WHERE type = 'token.refresh_token.rotated') AS rotations, count(*) AS all FROM audit.events`,
        );
        recorded = { rotations: Number(rows[0]?.rotations), all: Number(rows[0]?.all) };
        streamed = (await jsm.streams.info(eventStreamName(NATS_PREFIX))).state.messages;
        if (recorded.rotations >= rotations && recorded.all >= streamed) break;
        await sleep(250);
      } while (Date.now() < deadline);
      expect(recorded.rotations).toBeGreaterThanOrEqual(rotations);
      expect(recorded.all).toBeGreaterThanOrEqual(streamed);
    } finally {
      await audit.end();
      await nats.close();
    }
  }, 150_000);

  test('stopping the stack deletes its streams: the events and the audit dead letters', async () => {
    const nats = await connect({ servers: infrastructure.nats.url });
    try {
      const jsm = await nats.jetstreamManager();
      const streams = async () => {
        const names: string[] = [];
        for await (const stream of jsm.streams.list()) names.push(stream.config.name);
        return names.filter((name) => name.startsWith(`${NATS_PREFIX}_`)).sort();
      };
      expect(await streams()).toEqual([`${NATS_PREFIX}_AUDIT_DLQ`, eventStreamName(NATS_PREFIX)].sort());
      stackStopped = true;
      await stack.stop();
      expect(await streams()).toEqual([]);
    } finally {
      await nats.close();
    }
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus, eventStreamName } from '@gatehouse/bus';
import { createLogger } from '@gatehouse/logging';
import { describe, expect, freePort, type RunningService, startService, test } from '@gatehouse/testing';
import pg from 'pg';

// Restarting the shared nats-server would disturb every other test file running beside this one,
// so this test runs its own, on a free port with a storage directory of its own.
const NATS_SERVER = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
const EVENTS = 10_000;
const logger = createLogger({ service: 'durability-test', level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function accepting(port: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nats-server did not listen on ${port}`);
}

class PrivateNats {
  readonly port: number;
  readonly #storeDir = mkdtempSync(join(tmpdir(), 'gatehouse-nats-'));
  #process: ChildProcess | undefined;

  constructor(port: number) {
    this.port = port;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.#process = spawn(
      NATS_SERVER,
      ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.#storeDir],
      {
        stdio: 'ignore',
      },
    );
    await accepting(this.port);
  }

  /** A graceful stop (SIGTERM), as a rolling restart of the server does. */
  async stop(): Promise<void> {
    const child = this.#process;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.#storeDir, { recursive: true, force: true });
  }
}

describe('audit durability', () => {
  test(`stores exactly the ${EVENTS.toLocaleString('en')} events published while the audit service is SIGKILLed three times and NATS restarts once`, async ({
    isolation,
  }) => {
    const nats = new PrivateNats(await freePort());
    await nats.start();
    const env = {
      NATS_URL: nats.url,
      DATABASE_URL: isolation.databaseUrl,
      // A killed replica's batch comes back after the ack wait: short, so the test stays short.
      AUDIT_ACK_WAIT: '2s',
      AUDIT_BATCH_SIZE: '200',
      EVENT_STREAM_MAX_BYTES: '64MiB',
    };
    let audit: RunningService = await startService('audit', env);
    const publisher = await Bus.connect({
      url: nats.url,
      service: 'token',
      logger,
      stream: { maxBytes: 64 * 1024 ** 2 },
    });
    const database = new pg.Client({ connectionString: isolation.databaseUrl });
    await database.connect();
    const stored = async () =>
      (await database.query<{ n: number }>('SELECT count(*)::int AS n FROM audit.events')).rows[0]!.n;

    try {
      const progress: number[] = [];
      // Frozen first (SIGSTOP), the replica keeps receiving the events its pull requests asked for
      // and acks none: its SIGKILL then certainly leaves deliveries for the next one to receive again.
      const killAndRestart = async () => {
        audit.process.kill('SIGSTOP');
        await sleep(300);
        await audit.kill();
        progress.push(await stored());
        audit = await startService('audit', env);
      };
      const restartNats = async () => {
        await nats.stop();
        await sleep(500);
        await nats.start();
      };
      // The chaos is driven by the publisher's progress, not the clock, so on a slow machine too
      // every step lands mid-stream: each starts once the previous one is over, and events keep
      // flowing (into a frozen replica, a dead one, a stopped server) while it runs.
      const chaos = new Map([
        [2_000, killAndRestart],
        [4_500, killAndRestart],
        [6_500, restartNats],
        [8_500, killAndRestart],
      ]);

      const emitted = new Set<string>();
      // About 1,000 events a second for ten seconds.
      const publishing = (async () => {
        let step: Promise<void> = Promise.resolve();
        for (let i = 0; i < EVENTS; i += 1) {
          const next = chaos.get(i);
          if (next) {
            await step;
            step = next();
          }
          const event = publisher.events.emit({
            type: 'gateway.tool.called',
            outcome: 'success',
            actor: { userId: `user-${i % 50}` },
            clientId: 'durability',
            details: { n: i },
          });
          emitted.add(event.id);
          if (i % 50 === 49) await sleep(50);
        }
        await step;
      })();

      await publishing;
      expect(emitted.size).toBe(EVENTS);
      // The kills happened while events were still arriving, not before or after the stream.
      expect(progress).toHaveLength(3);
      expect(progress[0]).toBeGreaterThan(0);
      expect(progress.at(-1)).toBeLessThan(EVENTS);

      await expect.poll(() => publisher.events.pending, { timeout: 20_000, interval: 200 }).toBe(0);
      await expect.poll(stored, { timeout: 25_000, interval: 250 }).toBe(EVENTS);

      // More deliveries than events: redeliveries happened, and were absorbed.
      const consumer = await (await publisher.jetstreamManager()).consumers.info(
        eventStreamName(''),
        'audit',
      );
      expect(consumer.delivered.stream_seq).toBe(EVENTS);
      expect(consumer.delivered.consumer_seq).toBeGreaterThan(EVENTS);

      const { rows } = await database.query<{ id: string }>('SELECT id FROM audit.events');
      expect(rows).toHaveLength(EVENTS);
      expect(new Set(rows.map((row) => row.id))).toEqual(emitted);
    } finally {
      await database.end();
      await audit.stop();
      await publisher.drain().catch(() => undefined);
      await nats.remove();
    }
  }, 60_000);
});

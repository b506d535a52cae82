// Private Redis, NATS (JetStream) and Postgres processes for fault tests: the machine's shared ones
// serve other test files in parallel and must never be restarted. Each can be killed and restarted on
// the same port with its data (NATS keeps its JetStream store, Postgres its cluster directory).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@gatehouse/testing';

const PG_BIN = '/usr/lib/postgresql/15/bin';

export interface Dependency {
  name: 'redis' | 'nats' | 'postgres';
  url: string;
  /** SIGKILL: no goodbye to connected clients. */
  kill(): Promise<void>;
  start(): Promise<void>;
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(300, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => done(true));
  });
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await answers(port))) {
    if (Date.now() > deadline) throw new Error(`nothing answers on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function processDependency(
  name: 'redis' | 'nats',
  url: string,
  port: number,
  command: string,
  args: string[],
): Dependency {
  let child: ChildProcess | undefined;
  return {
    name,
    url,
    async start() {
      child = spawn(command, args, { stdio: 'ignore' });
      await waitForPort(port);
    },
    async kill() {
      if (!child || child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Runs a Postgres binary as the postgres user: initdb and postgres refuse to run as root. */
function asPostgres(binary: string, args: string[]): void {
  const command = join(PG_BIN, binary);
  if (process.getuid?.() === 0)
    execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'ignore' });
  else execFileSync(command, args, { stdio: 'ignore' });
}

export interface PrivateInfrastructure {
  redis: Dependency;
  nats: Dependency;
  postgres: Dependency;
  /** Admin URL of the private Postgres. */
  postgresUrl: string;
  stop(): Promise<void>;
}

export async function startPrivateInfrastructure(): Promise<PrivateInfrastructure> {
  const directory = mkdtempSync(join(tmpdir(), 'gatehouse-faults-'));
  const [redisPort, natsPort, postgresPort] = [await freePort(), await freePort(), await freePort()];
  const redis = processDependency('redis', `redis://127.0.0.1:${redisPort}`, redisPort, 'redis-server', [
    '--port',
    String(redisPort),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  const nats = processDependency('nats', `nats://127.0.0.1:${natsPort}`, natsPort, '/usr/sbin/nats-server', [
    '-a',
    '127.0.0.1',
    '-p',
    String(natsPort),
    '-js',
    '-sd',
    join(directory, 'nats'),
  ]);
  if (process.getuid?.() === 0)
    chownSync(directory, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), 0);
  const data = join(directory, 'pg');
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const pgOptions = `-p ${postgresPort} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const postgresUrl = `postgres://postgres@127.0.0.1:${postgresPort}/postgres`;
  const postgres: Dependency = {
    name: 'postgres',
    url: postgresUrl,
    async start() {
      asPostgres('pg_ctl', ['-D', data, '-o', pgOptions, '-w', '-l', join(directory, 'pg.log'), 'start']);
      await waitForPort(postgresPort);
    },
    async kill() {
      // immediate: like a crash (no checkpoint), clients see their connections drop.
      asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    },
  };
  await Promise.all([redis.start(), nats.start(), postgres.start()]);
  return {
    redis,
    nats,
    postgres,
    postgresUrl,
    async stop() {
      await Promise.all([redis.kill(), nats.kill(), postgres.kill().catch(() => undefined)]);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

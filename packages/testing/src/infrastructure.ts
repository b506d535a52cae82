import { existsSync } from 'node:fs';
import { Socket } from 'node:net';

/** Where the three real dependencies of the test suite are. */
export interface TestInfrastructure {
  /** An admin URL; each test file gets its own database created from the migrated template. */
  postgresUrl: string;
  redisUrl: string;
  natsUrl: string;
  /** Name of the template database with every service's migrations applied. */
  templateDatabase: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    infrastructure: TestInfrastructure;
  }
}

const LOOPBACK = {
  postgresUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: 'redis://127.0.0.1:6379',
  natsUrl: 'nats://127.0.0.1:4222',
};

function answers(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(port) || defaultPort, hostname.replace(/^\[|\]$/g, ''), () => done(true));
  });
}

function dockerPresent(): boolean {
  return Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}

export const START_HINT = `Start them, or point the tests at running ones:
  TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres
  TEST_REDIS_URL=redis://127.0.0.1:6379
  TEST_NATS_URL=nats://127.0.0.1:4222   (JetStream enabled: nats-server -js)
or install Docker, and the tests start them with testcontainers.`;

/**
 * Resolves the dependencies in order: TEST_*_URL variables; the standard ports on loopback;
 * containers, when a Docker engine is present. Returns a stop function for containers.
 */
export async function resolveInfrastructure(): Promise<{
  urls: Omit<TestInfrastructure, 'templateDatabase'>;
  stop: () => Promise<void>;
}> {
  const fromEnv = {
    postgresUrl: process.env.TEST_POSTGRES_URL,
    redisUrl: process.env.TEST_REDIS_URL,
    natsUrl: process.env.TEST_NATS_URL,
  };
  if (fromEnv.postgresUrl && fromEnv.redisUrl && fromEnv.natsUrl) {
    return { urls: fromEnv as Omit<TestInfrastructure, 'templateDatabase'>, stop: async () => {} };
  }
  const urls = {
    postgresUrl: fromEnv.postgresUrl ?? LOOPBACK.postgresUrl,
    redisUrl: fromEnv.redisUrl ?? LOOPBACK.redisUrl,
    natsUrl: fromEnv.natsUrl ?? LOOPBACK.natsUrl,
  };
  const up = await Promise.all([
    answers(urls.postgresUrl, 5432),
    answers(urls.redisUrl, 6379),
    answers(urls.natsUrl, 4222),
  ]);
  if (up.every(Boolean)) return { urls, stop: async () => {} };
  if (!dockerPresent()) {
    const missing = ['Postgres', 'Redis', 'NATS'].filter((_, i) => !up[i]).join(', ');
    throw new Error(`The tests need Postgres, Redis and NATS; not answering: ${missing}.\n${START_HINT}`);
  }
  return startContainers();
}

async function startContainers() {
  const { GenericContainer, Wait } = await import('testcontainers');
  const [postgres, redis, nats] = await Promise.all([
    new GenericContainer('postgres:15-alpine')
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start(),
    new GenericContainer('redis:7-alpine').withExposedPorts(6379).start(),
    new GenericContainer('nats:2-alpine').withCommand(['-js']).withExposedPorts(4222).start(),
  ]);
  return {
    urls: {
      postgresUrl: `postgres://postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/postgres`,
      redisUrl: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
      natsUrl: `nats://${nats.getHost()}:${nats.getMappedPort(4222)}`,
    },
    stop: async () => {
      await Promise.all([postgres.stop(), redis.stop(), nats.stop()]);
    },
  };
}

import { fromBinary, type MessageShape } from '@bufbuild/protobuf';
import { Bus, eventStreamName } from '@gatehouse/bus';
import { type RunningGitHubEmulator, startGitHubEmulator } from '@gatehouse/github-emulator';
import { createLogger } from '@gatehouse/logging';
import { type Event, EventSchema, type identity } from '@gatehouse/proto';
import {
  type CapturedLogs,
  captureLogs,
  expect,
  type Isolation,
  type RunningService,
  startService,
  type TestInfrastructure,
  test,
} from '@gatehouse/testing';
import { type Config, loadConfig } from '../src/config.ts';
import { type IdentityService, openIdentityService, shutdownSteps } from '../src/start.ts';

export type Step = MessageShape<typeof identity.AuthorizationStepSchema>;

/** PUBLIC_URL when unset: what identity's redirects and `iss` are built from in these tests. */
export const ISSUER = 'http://localhost:8080';
export const CALLBACK = `${ISSUER}/oauth/callback/github`;

/** A browser: the cookie the gateway would set from `set_session` and send back. */
export class Browser {
  sessionId = '';
  remember(step: Step): Step {
    if (step.setSession) this.sessionId = step.setSession.id;
    return step;
  }
}

/** The browser at GitHub; the emulator signs octocat in and sends it to our callback. */
export async function atGitHub(step: Step): Promise<Record<string, string>> {
  expect(step.step.case).toBe('redirectTo');
  const response = await fetch(step.step.value as string, { redirect: 'manual' });
  expect(response.status).toBe(302);
  const back = new URL(response.headers.get('location')!);
  expect(back.origin + back.pathname).toBe(CALLBACK);
  return Object.fromEntries(back.searchParams);
}

/**
 * The browser at GitHub's sign-in page (auto-approve off) pressing Cancel: the query GitHub sends
 * back to our callback (`error=access_denied`, and the state).
 */
export async function cancelAtGitHub(step: Step, emulatorUrl: string): Promise<Record<string, string>> {
  const signInPage = await (await fetch(step.step.value as string)).text();
  const requestId = /name="request_id" value="([^"]+)"/.exec(signInPage)?.[1];
  expect(requestId).toBeDefined();
  const cancelled = await fetch(`${emulatorUrl}/login/oauth/authorize`, {
    method: 'POST',
    body: new URLSearchParams({ request_id: requestId!, cancel: '1' }),
    redirect: 'manual',
  });
  const returned = Object.fromEntries(new URL(cancelled.headers.get('location')!).searchParams);
  expect(returned.error).toBe('access_denied');
  return returned;
}

/** The service's environment for one test file: its own database, subject prefix and key prefix. */
export function identityEnv(
  infrastructure: TestInfrastructure,
  isolation: Isolation,
  emulator: RunningGitHubEmulator,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    NATS_URL: infrastructure.natsUrl,
    NATS_SUBJECT_PREFIX: isolation.natsPrefix,
    REDIS_URL: infrastructure.redisUrl,
    REDIS_KEY_PREFIX: isolation.redisPrefix,
    DATABASE_URL: isolation.databaseUrl,
    GITHUB_WEB_URL: emulator.url,
    GITHUB_API_URL: emulator.apiUrl,
    ...extra,
  };
}

export interface RunningIdentity {
  service: IdentityService;
  config: Config;
  logs: CapturedLogs;
  /** A second connection, as the gateway or the worker would call from. */
  caller: Bus;
  events: EventRecorder;
  close(): Promise<void>;
}

/** The identity service composed in-process (its real start composition), with its logs captured. */
export async function runIdentity(env: Record<string, string>): Promise<RunningIdentity> {
  const config = loadConfig(env);
  const logs = captureLogs();
  const logger = createLogger({ service: 'identity', level: 'debug', destination: logs.stream });
  const service = await openIdentityService(config, logger);
  const caller = await Bus.connect({
    url: config.NATS_URL,
    prefix: config.NATS_SUBJECT_PREFIX,
    service: 'test-caller',
    logger: createLogger({ service: 'test-caller', level: 'silent' }),
  });
  const events = await recordEvents(caller);
  return {
    service,
    config,
    logs,
    caller,
    events,
    async close() {
      for (const step of shutdownSteps(service)) await step.run();
      // Each stream reserves its max_bytes on the shared NATS server: leave none behind.
      const jsm = await caller.jetstreamManager();
      await jsm.streams.delete(eventStreamName(caller.prefix)).catch(() => false);
      await caller.drain();
    },
  };
}

export interface EventRecorder {
  all(): Event[];
  /** Waits until an event of this type arrives (or fails after a second). */
  next(type: string, after?: number): Promise<Event>;
  /** Raw bytes of every event, for secret scans. */
  raw(): string;
}

/** Hears every identity event on the bus (the same messages JetStream stores). */
export async function recordEvents(bus: Bus): Promise<EventRecorder> {
  const events: Event[] = [];
  const raw: string[] = [];
  bus.nc.subscribe(`${bus.prefix}.evt.identity.>`, {
    callback: (_error, message) => {
      raw.push(Buffer.from(message.data).toString('latin1'));
      events.push(fromBinary(EventSchema, message.data));
    },
  });
  await bus.nc.flush();
  return {
    all: () => [...events],
    raw: () => raw.join('\n'),
    async next(type, after = 0) {
      const until = Date.now() + 1_000;
      while (Date.now() < until) {
        const found = events.slice(after).find((event) => event.type === type);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`no ${type} event; saw ${events.map((event) => event.type).join(', ')}`);
    },
  };
}

/**
 * Identity (its start composition, in-process) with the real token service as a process and GitHub
 * emulated: started before this describe's tests, stopped after. The fields are filled in by then.
 */
export function identityWithTokenService(): {
  readonly emulator: RunningGitHubEmulator;
  readonly identity: RunningIdentity;
  readonly token: RunningService;
} {
  const stack = {} as { emulator: RunningGitHubEmulator; identity: RunningIdentity; token: RunningService };
  test.beforeAll(async ({ infrastructure, isolation }) => {
    stack.emulator = await startGitHubEmulator();
    const env = identityEnv(infrastructure, isolation, stack.emulator);
    stack.token = await startService('token', env);
    stack.identity = await runIdentity(env);
  }, 40_000);
  test.afterAll(async () => {
    await stack.token?.stop();
    await stack.identity?.close();
    await stack.emulator?.close();
  });
  return stack;
}

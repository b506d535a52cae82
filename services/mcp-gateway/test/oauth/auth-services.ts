import { type RunningGitHubEmulator, startGitHubEmulator } from '@gatehouse/github-emulator';
import {
  freePort,
  type Isolation,
  type RunningService,
  startService,
  type TestInfrastructure,
  test,
} from '@gatehouse/testing';
import { startGateway, type TestGateway } from './test-gateway.ts';

export interface AuthServices {
  emulator: RunningGitHubEmulator;
  token: RunningService;
  identity: RunningService;
  /** The environment shared by every service of this stack (bus, Redis, Postgres, PUBLIC_URL). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The real token and identity services as processes, and the GitHub emulator in-process (it
 * signs `octocat` in without a page), all sharing this test file's isolation.
 */
export async function startAuthServices(
  infrastructure: TestInfrastructure,
  isolation: Isolation,
  options: { publicUrl: string; tokenEnv?: Record<string, string>; identityEnv?: Record<string, string> },
): Promise<AuthServices> {
  const emulator = await startGitHubEmulator({
    autoApprove: 'octocat',
    apps: [
      {
        clientId: 'gatehouse-dev',
        clientSecret: 'gatehouse-dev-secret',
        callbackUrl: `${options.publicUrl}/oauth/callback/github`,
      },
    ],
  });
  const env = {
    NATS_URL: infrastructure.natsUrl,
    NATS_SUBJECT_PREFIX: isolation.natsPrefix,
    REDIS_URL: infrastructure.redisUrl,
    DATABASE_URL: isolation.databaseUrl,
    PUBLIC_URL: options.publicUrl,
  };
  const started = await Promise.allSettled([
    startService('token', {
      ...env,
      REDIS_KEY_PREFIX: `${isolation.redisPrefix}token:`,
      ...options.tokenEnv,
    }),
    startService('identity', {
      ...env,
      REDIS_KEY_PREFIX: `${isolation.redisPrefix}identity:`,
      GITHUB_WEB_URL: emulator.url,
      GITHUB_API_URL: emulator.apiUrl,
      ...options.identityEnv,
    }),
  ]);
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(running.map((service) => service.kill()));
    await emulator.close();
    throw (failed as PromiseRejectedResult).reason;
  }
  const [token, identity] = running as [RunningService, RunningService];
  return {
    emulator,
    token,
    identity,
    env,
    async stop() {
      await Promise.all([token.stop(), identity.stop()]);
      await emulator.close();
    },
  };
}

/**
 * The gateway in-process, on a port known before it starts (PUBLIC_URL), in front of
 * startAuthServices' stack: started before this describe's tests, stopped after them. The fields
 * are filled in by then.
 */
export function gatewayWithAuthServices(): {
  readonly gateway: TestGateway;
  readonly services: AuthServices;
  readonly publicUrl: string;
} {
  const stack = {} as { gateway: TestGateway; services: AuthServices; publicUrl: string };
  test.beforeAll(async ({ infrastructure, isolation }) => {
    const port = await freePort();
    stack.publicUrl = `http://127.0.0.1:${port}`;
    stack.services = await startAuthServices(infrastructure, isolation, { publicUrl: stack.publicUrl });
    stack.gateway = await startGateway(infrastructure, isolation, {
      PUBLIC_URL: stack.publicUrl,
      PORT: String(port),
      REDIS_KEY_PREFIX: `${isolation.redisPrefix}gateway:`,
    });
  }, 40_000);
  test.afterAll(async () => {
    await stack.gateway?.close();
    await stack.services?.stop();
  });
  return stack;
}

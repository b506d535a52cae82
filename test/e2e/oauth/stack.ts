import { createHash } from 'node:crypto';
import {
  freePort,
  type Isolation,
  type RunningService,
  startService,
  type TestInfrastructure,
  test,
} from '@gatehouse/testing';
import {
  type AuthServices,
  startAuthServices,
} from '../../../services/mcp-gateway/test/oauth/auth-services.ts';

export { Browser, hiddenField } from '../../../services/mcp-gateway/test/oauth/browser.ts';
export { withTestEventStream } from '../../../services/mcp-gateway/test/oauth/event-stream.ts';

export interface Stack extends AuthServices {
  gateway: RunningService;
  /** The gateway's PUBLIC_URL, which is also where the test reaches it. */
  publicUrl: string;
}

/**
 * The authorization server as it runs in production: token, identity and the gateway each as its
 * own process, sharing one bus, Redis and database; GitHub emulated in-process (auto-approving
 * `octocat`).
 */
export async function startStack(
  infrastructure: TestInfrastructure,
  isolation: Isolation,
  options: { tokenEnv?: Record<string, string>; gatewayEnv?: Record<string, string> } = {},
): Promise<Stack> {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const services = await startAuthServices(infrastructure, isolation, {
    publicUrl,
    ...(options.tokenEnv ? { tokenEnv: options.tokenEnv } : {}),
  });
  let gateway: RunningService;
  try {
    gateway = await startService('mcp-gateway', {
      ...services.env,
      REDIS_KEY_PREFIX: `${isolation.redisPrefix}gateway:`,
      HOST: '127.0.0.1',
      PORT: String(port),
      ...options.gatewayEnv,
    });
  } catch (error) {
    await services.stop();
    throw error;
  }
  return {
    ...services,
    gateway,
    publicUrl,
    async stop() {
      await gateway.stop();
      await services.stop();
    },
  };
}

/**
 * All five services as processes (startStack, the github-worker and audit), the gateway's admin
 * API on with `adminToken`: started before this describe's tests (after `beforeStart`), stopped
 * after them. The returned Stack is filled in by then.
 */
export function wholeStack(
  adminToken: string,
  options: { beforeStart?: () => Promise<unknown> } = {},
): Stack {
  const stack = {} as Stack;
  let more: RunningService[] = [];
  test.beforeAll(async ({ infrastructure, isolation }) => {
    await options.beforeStart?.();
    Object.assign(
      stack,
      await startStack(infrastructure, isolation, {
        gatewayEnv: { ADMIN_TOKEN_SHA256: createHash('sha256').update(adminToken).digest('hex') },
      }),
    );
    more = await Promise.all([
      startService('github-worker', { ...stack.env, GITHUB_API_URL: stack.emulator.apiUrl }),
      // The test's event stream is small; the audit service, which owns its limits, keeps it so.
      startService('audit', { ...stack.env, EVENT_STREAM_MAX_BYTES: '16MiB' }),
    ]);
  }, 90_000);
  test.afterAll(async () => {
    await Promise.all(more.map((service) => service.stop()));
    await stack.stop?.();
    // The isolation fixture deletes the file's streams, the audit dead letters' included.
  });
  return stack;
}

import {
  type Isolation,
  type RunningService,
  startService,
  type TestInfrastructure,
} from '@gatehouse/testing';
import {
  type AuthServices,
  freePort,
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

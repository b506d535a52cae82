import { Bus } from '@gatehouse/bus';
import { runService } from '@gatehouse/health';
import { createLogger } from '@gatehouse/logging';
import { github } from '@gatehouse/proto';
import { githubHandlers } from './bus/handlers.ts';
import { IdentityUpstreamTokens } from './bus/identity-tokens.ts';
import { forgetTokensOnEvents } from './bus/token-invalidation.ts';
import { loadConfig } from './config.ts';
import { GitHubClient } from './github/client.ts';
import { createExecutor } from './operations/execute.ts';
import { CachedUpstreamTokens } from './upstream-tokens.ts';

/** Boot order: config → logger → dependencies → handlers → ready. */
export async function start(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(env);
  const logger = createLogger({ service: 'github-worker', level: config.LOG_LEVEL });
  const bus = await Bus.connect({
    url: config.NATS_URL,
    service: 'github-worker',
    prefix: config.NATS_SUBJECT_PREFIX,
    credsFile: config.NATS_CREDS_FILE,
    logger,
  });
  const tokens = new CachedUpstreamTokens(new IdentityUpstreamTokens(bus), {
    ttlMs: config.UPSTREAM_TOKEN_CACHE_TTL,
    maxEntries: config.UPSTREAM_TOKEN_CACHE_SIZE,
  });
  forgetTokensOnEvents(bus, tokens, logger);
  const execute = createExecutor({
    tokens,
    github: new GitHubClient({
      baseUrl: config.GITHUB_API_URL,
      maxRetries: config.GITHUB_MAX_RETRIES,
      logger,
    }),
    requestTimeoutMs: config.GITHUB_REQUEST_TIMEOUT,
  });
  bus.serve(github.GitHubService, githubHandlers(execute));
  await runService({
    logger,
    health: { port: config.HEALTH_PORT, host: config.HEALTH_HOST },
    checks: { nats: () => bus.ping() },
    shutdown: [{ name: 'bus', run: () => bus.drain() }],
  });
}

import packageJson from '../../package.json' with { type: 'json' };
import { Authenticator } from '../auth/authenticator.ts';
import type { ChallengeContext } from '../auth/challenge.ts';
import { RefusedTokens } from '../auth/refused-tokens.ts';
import { RejectionEvents } from '../auth/rejection-events.ts';
import { RevocationListener } from '../auth/revocation-listener.ts';
import { RevokedGrants } from '../auth/revoked-grants.ts';
import { CachedSigningKeys, type JwksSource } from '../auth/signing-keys.ts';
import { tokenServiceJwks } from '../auth/token-service-jwks.ts';
import { VerifiedTokens } from '../auth/verified-tokens.ts';
import type { GatewayDeps, GatewayModule } from '../module.ts';
import { createMcpServer, type McpServerShared } from './server.ts';
import { toolCatalog } from './tools/catalog.ts';
import { toolDescriptor } from './tools/descriptor.ts';
import { OriginPolicy } from './transport/origin-policy.ts';
import { mcpRouter } from './transport/router.ts';
import { StepUpGate } from './transport/step-up-gate.ts';
import { OpenStreams } from './transport/streamable-http.ts';
import { loadWidgets, type WidgetName } from './widgets/catalog.ts';

export interface McpModuleOptions {
  /**
   * Where the token-signing keys come from. Production: the token service (GetJwks). Tests of
   * this module pass their own key set; the bus-backed source is tested against the real token
   * service.
   */
  jwksSource?: JwksSource;
  /** Directory of the built widgets (default: widgets/dist). */
  widgetsDir?: string;
}

/** The canonical URL of the resource and of its metadata, from PUBLIC_URL (no trailing slash). */
export function resourceUrls(publicUrl: string): {
  issuer: string;
  resource: string;
  resourceMetadata: string;
} {
  const issuer = publicUrl.replace(/\/+$/, '');
  return {
    issuer,
    resource: `${issuer}/mcp`,
    resourceMetadata: `${issuer}/.well-known/oauth-protected-resource/mcp`,
  };
}

/** `/mcp`: the MCP resource server (bearer validation, tools, widgets, step-up, revocation). */
export function createMcpModule(deps: GatewayDeps, options: McpModuleOptions = {}): GatewayModule {
  const { config, logger, bus } = deps;
  const { issuer, resource, resourceMetadata } = resourceUrls(config.PUBLIC_URL);
  const leewayMs = config.MCP_TOKEN_CLOCK_LEEWAY;
  const maxLifetimeMs = config.MCP_ACCESS_TOKEN_MAX_LIFETIME;
  // No token of a revoked grant outlives this: issued before the revocation, living at most the
  // maximum lifetime, accepted at most a leeway past its expiry (with a leeway of clock skew).
  const revocationHorizonMs = maxLifetimeMs + 2 * leewayMs;

  const verified = new VerifiedTokens();
  const keys = new CachedSigningKeys({
    source: options.jwksSource ?? tokenServiceJwks(bus),
    logger,
    refreshIntervalMs: config.MCP_JWKS_REFRESH_INTERVAL,
    refetchCooldownMs: config.MCP_JWKS_REFETCH_COOLDOWN,
    onKeysRemoved: (kids) => verified.dropKeys(kids),
  });
  const revoked = new RevokedGrants({ retentionMs: revocationHorizonMs });
  const listener = new RevocationListener({ bus, revoked, logger, replayWindowMs: revocationHorizonMs });
  const authenticator = new Authenticator({
    keys,
    revoked,
    verified,
    refused: new RefusedTokens(),
    issuer,
    audience: resource,
    leewaySeconds: leewayMs / 1000,
    maxLifetimeSeconds: maxLifetimeMs / 1000,
  });
  const challenge: ChallengeContext = {
    resourceMetadataUrl: resourceMetadata,
    defaultScopes: config.MCP_DEFAULT_SCOPES,
  };
  const tools = toolCatalog({ readOnly: config.READ_ONLY_TOOLS });
  const streams = new OpenStreams();
  const shared: McpServerShared = {
    tools,
    descriptors: [...tools.values()].map(toolDescriptor),
    widgets: new Map<WidgetName, string>(),
    widgetPolicy: { linkOrigins: config.MCP_WIDGET_LINK_ORIGINS },
    bus,
    events: bus.events,
    challenge,
    toolTimeoutMs: config.MCP_TOOL_TIMEOUT,
    version: packageJson.version,
  };
  let sweeper: NodeJS.Timeout | undefined;

  const router = mcpRouter({
    authenticator,
    challenge,
    rejections: new RejectionEvents({ events: bus.events }),
    origins: new OriginPolicy(issuer, config.MCP_ALLOWED_ORIGINS),
    stepUp: new StepUpGate({ tools, mode: config.MCP_STEP_UP_CHALLENGE, events: bus.events }),
    serverFor: (request) => createMcpServer(shared, request),
    streams,
    sseMaxDurationMs: config.MCP_SSE_MAX_DURATION,
    logger,
  });

  return {
    name: 'mcp',
    router,
    async start() {
      shared.widgets = await loadWidgets(options.widgetsDir);
      keys.start();
      // Before the port opens: a replica must know every live revocation before it serves.
      await listener.start();
      sweeper = setInterval(() => revoked.sweep(), 60_000);
      sweeper.unref();
    },
    async drain() {
      await streams.closeAll();
    },
    async stop() {
      clearInterval(sweeper);
      keys.stop();
      await streams.closeAll();
      await listener.stop();
    },
    checks: {
      revocations: async () => {
        if (!listener.running) throw new Error('the revocation consumer is not running');
      },
      // Not ready until the token service's keys are known: otherwise every bearer token gets a 503.
      signing_keys: async () => {
        if (!keys.loaded && !(await keys.refresh())) throw new Error('the signing keys are not loaded yet');
      },
    },
  };
}

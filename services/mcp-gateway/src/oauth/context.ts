import type { Bus } from '@gatehouse/bus';
import type { Logger } from '@gatehouse/logging';
import { RateLimiter } from '../http/rate-limit.ts';
import type { GatewayDeps } from '../module.ts';
import type { Pages } from '../pages/render.ts';
import type { RateLimitSetting } from './config.ts';
import { type OauthSettings, oauthSettings } from './settings.ts';

/** The rate limits of the OAuth surface, one counter each (see config.ts for the defaults). */
export interface OauthLimiters {
  authorizePerIp: RateLimiter;
  tokenPerIp: RateLimiter;
  tokenPerClient: RateLimiter;
  registerPerIp: RateLimiter;
  revokePerIp: RateLimiter;
  accountPerIp: RateLimiter;
}

/** What every OAuth endpoint and page handler is built from. */
export interface OauthContext {
  bus: Pick<Bus, 'request'>;
  logger: Logger;
  settings: OauthSettings;
  pages: Pages;
  limiters: OauthLimiters;
  /** Deadline of each bus request: a service that is down or slow answers 503, never a hang. */
  busOptions: { timeoutMs: number };
  jwksCacheTtlMs: number;
  corsAllowedOrigins: readonly string[];
}

export function createOauthContext(deps: GatewayDeps, pages: Pages): OauthContext {
  const { config } = deps;
  const limiterDeps = { redis: deps.redis, events: deps.bus.events, logger: deps.logger };
  const limiter = (name: string, setting: RateLimitSetting | null) =>
    new RateLimiter(name, setting, limiterDeps);
  return {
    bus: deps.bus,
    logger: deps.logger,
    settings: oauthSettings(config),
    pages,
    limiters: {
      authorizePerIp: limiter('authorize-ip', config.RATE_LIMIT_AUTHORIZE_PER_IP),
      tokenPerIp: limiter('token-ip', config.RATE_LIMIT_TOKEN_PER_IP),
      tokenPerClient: limiter('token-client', config.RATE_LIMIT_TOKEN_PER_CLIENT),
      registerPerIp: limiter('register-ip', config.RATE_LIMIT_REGISTER_PER_IP),
      revokePerIp: limiter('revoke-ip', config.RATE_LIMIT_REVOKE_PER_IP),
      accountPerIp: limiter('account-ip', config.RATE_LIMIT_ACCOUNT_PER_IP),
    },
    busOptions: { timeoutMs: config.OAUTH_BUS_TIMEOUT },
    jwksCacheTtlMs: config.JWKS_CACHE_TTL,
    corsAllowedOrigins: config.CORS_ALLOWED_ORIGINS,
  };
}

import { parseConfigPatch } from './config-patch.ts';
import type { SeedData } from './state/seed.ts';

/** An OAuth app as registered on GitHub: redirect_uri must be its callback URL or a subpath of it. */
export interface OAuthAppConfig {
  clientId: string;
  clientSecret: string;
  callbackUrl: string;
  /** Shown on the sign-in page. */
  name?: string;
}

/** A primary rate limit: `limit` requests per user per window, like GitHub's 5,000 per hour. */
export interface RateLimitConfig {
  limit: number;
  windowSeconds: number;
}

/** GitHub's secondary ("abuse") limit: more than `maxRequests` within the window earns a Retry-After. */
export interface SecondaryRateLimitConfig {
  maxRequests: number;
  windowSeconds: number;
  /** Defaults to the seconds left in the window. */
  retryAfterSeconds?: number;
  /** GitHub answers 403 or 429; 429 unless set. */
  status?: 403 | 429;
}

/**
 * Makes matching requests fail. A 403 or 429 fault without a message reads like GitHub's secondary
 * rate limit, so Octokit's throttling plugin treats it as one.
 */
export interface FaultRule {
  /** Regular expression tested against the request path, without any /api/v3 prefix. */
  path: string;
  method?: string;
  status: number;
  /** Fail only the next N matching requests; unlimited when omitted. */
  times?: number;
  /** Chance from 0 to 1 that a matching request fails; 1 when omitted. */
  probability?: number;
  retryAfterSeconds?: number;
  message?: string;
}

/** Settings that tests may change while the emulator runs (POST /_emulator/config or `configure`). */
export interface EmulatorConfig {
  /** Login signed in without showing the sign-in page; null shows the page. */
  autoApprove: string | null;
  /** Issue expiring user tokens with refresh tokens, like GitHub Apps do. */
  expiringTokens: boolean;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  rateLimit: RateLimitConfig;
  searchRateLimit: RateLimitConfig;
  secondaryRateLimit: SecondaryRateLimitConfig | null;
  /** Delay added to every OAuth and REST request. */
  latencyMs: number;
  faults: FaultRule[];
}

export interface EmulatorOptions extends Partial<EmulatorConfig> {
  /** Replaces the shipped fixtures/seed.json. */
  seed?: SeedData;
  /** Replaces the default app (DEFAULT_OAUTH_APP). */
  apps?: OAuthAppConfig[];
  /** For startGitHubEmulator; 0 (a free port) unless set. */
  port?: number;
  /** For startGitHubEmulator; 127.0.0.1 unless set. */
  host?: string;
}

export const DEFAULT_OAUTH_APP: OAuthAppConfig = {
  clientId: 'gatehouse-dev',
  clientSecret: 'gatehouse-dev-secret',
  callbackUrl: 'http://localhost:8080/oauth/callback/github',
  name: 'Gatehouse (development)',
};

/** GitHub's own numbers: 5,000 core and 30 search requests per user, 8 h tokens, ~6 month refresh tokens. */
export const DEFAULT_CONFIG: EmulatorConfig = {
  autoApprove: 'octocat',
  expiringTokens: false,
  accessTokenTtlSeconds: 28_800,
  refreshTokenTtlSeconds: 15_897_600,
  rateLimit: { limit: 5000, windowSeconds: 3600 },
  searchRateLimit: { limit: 30, windowSeconds: 60 },
  secondaryRateLimit: null,
  latencyMs: 0,
  faults: [],
};

/** The defaults overridden by the config fields of the options, validated like runtime changes. */
export function initialConfig(options: EmulatorOptions): EmulatorConfig {
  const given = Object.fromEntries(
    Object.keys(DEFAULT_CONFIG)
      .map((key) => [key, options[key as keyof EmulatorConfig]])
      .filter(([, value]) => value !== undefined),
  );
  return { ...structuredClone(DEFAULT_CONFIG), ...parseConfigPatch(given) };
}

import { parseConfigPatch } from './config-patch.ts';
import { OAuthAppRegistry } from './oauth/apps.ts';
import { AuthorizationCodes } from './oauth/codes.ts';
import { parseScopes } from './oauth/scopes.ts';
import { type AccessToken, TokenStore } from './oauth/tokens.ts';
import {
  DEFAULT_OAUTH_APP,
  type EmulatorConfig,
  type EmulatorOptions,
  initialConfig,
  type OAuthAppConfig,
} from './options.ts';
import { RateLimiter } from './rest/rate-limit.ts';
import { loadDefaultSeed, type SeedData } from './state/seed.ts';
import { GitHubStore } from './state/store.ts';

export interface ResetOptions {
  /** Keep issued tokens valid across the reset (they are cleared by default). */
  keepTokens?: boolean;
  /** Keep runtime configuration changes (by default the startup options come back). */
  keepConfig?: boolean;
}

export interface MintTokenRequest {
  login: string;
  /** Array, or a space/comma separated string; `['repo']` when omitted. */
  scopes?: readonly string[] | string;
  /** Seconds until the token expires; never when omitted. */
  expiresIn?: number | null;
}

/** Everything the emulator holds in memory, and the operations tests use to steer it. */
export class EmulatorState {
  readonly store: GitHubStore;
  readonly apps: OAuthAppRegistry;
  readonly tokens = new TokenStore();
  readonly codes = new AuthorizationCodes();
  readonly rateLimits = new RateLimiter();
  config: EmulatorConfig;
  readonly #seed: SeedData;
  readonly #initialConfig: EmulatorConfig;

  constructor(options: EmulatorOptions = {}) {
    this.#seed = options.seed ?? loadDefaultSeed();
    this.store = new GitHubStore(this.#seed);
    this.apps = new OAuthAppRegistry(options.apps ?? [DEFAULT_OAUTH_APP]);
    this.#initialConfig = initialConfig(options);
    this.config = structuredClone(this.#initialConfig);
  }

  /** Back to the seed: data, codes and rate-limit counters always; tokens and config unless kept. */
  reset(options: ResetOptions = {}): void {
    this.store.load(this.#seed);
    this.codes.clear();
    this.rateLimits.clear();
    if (!options.keepTokens) this.tokens.clear();
    if (!options.keepConfig) this.config = structuredClone(this.#initialConfig);
  }

  /** Validates and applies a partial config; changed limits start counting afresh. */
  configure(patch: Partial<EmulatorConfig> | Record<string, unknown>): EmulatorConfig {
    const parsed = parseConfigPatch(patch);
    Object.assign(this.config, parsed);
    if (parsed.rateLimit || parsed.searchRateLimit || 'secondaryRateLimit' in parsed) this.rateLimits.clear();
    return this.config;
  }

  registerApp(app: OAuthAppConfig): void {
    this.apps.register(app);
  }

  /** A token for a seeded user without the OAuth dance, as tests need. */
  mintToken(request: MintTokenRequest): AccessToken {
    const user = this.store.user(request.login);
    if (!user) throw new TypeError(`no seeded user "${request.login}"`);
    if (request.expiresIn != null && !(request.expiresIn > 0))
      throw new TypeError('expiresIn must be positive');
    return this.tokens.issue({
      login: user.login,
      scopes: parseScopes(request.scopes ?? ['repo']),
      clientId: null,
      expiresInSeconds: request.expiresIn ?? null,
    });
  }

  /** Makes the token answer 401 from now on; false when it was never issued. */
  expireToken(token: string): boolean {
    return this.tokens.expire(token);
  }

  /** A JSON-ready dump for GET /_emulator/state. Secrets of apps are left out. */
  snapshot() {
    const now = Date.now();
    return {
      config: this.config,
      apps: this.apps.list().map(({ clientId, name, callbackUrl }) => ({ clientId, name, callbackUrl })),
      users: this.store.users(),
      orgs: this.store.organizations(),
      repos: this.store.repos(),
      tokens: this.tokens.list().map((token) => ({
        ...token,
        expired: token.expiresAt !== null && token.expiresAt <= now,
      })),
      rateLimits: this.rateLimits.snapshot(),
      authorizations: this.codes.size,
    };
  }
}

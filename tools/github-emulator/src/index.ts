/** @gatehouse/github-emulator: an in-memory GitHub (OAuth web flow and a REST subset) for tests and demos. */
export { createEmulatorApp } from './app.ts';
export { EmulatorState, type MintTokenRequest, type ResetOptions } from './emulator-state.ts';
export type { AccessToken } from './oauth/tokens.ts';
export {
  DEFAULT_CONFIG,
  DEFAULT_OAUTH_APP,
  type EmulatorConfig,
  type EmulatorOptions,
  type FaultRule,
  type OAuthAppConfig,
  type RateLimitConfig,
  type SecondaryRateLimitConfig,
} from './options.ts';
export { type RunningGitHubEmulator, startGitHubEmulator } from './server.ts';
export { loadDefaultSeed, type SeedData } from './state/seed.ts';

import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEmulatorApp } from './app.ts';
import { EmulatorState, type MintTokenRequest, type ResetOptions } from './emulator-state.ts';
import type { EmulatorConfig, EmulatorOptions, OAuthAppConfig } from './options.ts';

export interface RunningGitHubEmulator {
  /** Origin of the web side: /login/oauth/authorize and /login/oauth/access_token live here. */
  url: string;
  /** REST base URL, served at the root like api.github.com (also under `${url}/api/v3`, GHES-style). */
  apiUrl: string;
  /** The live in-memory state, for assertions. */
  state: EmulatorState;
  close(): Promise<void>;
  /** Restores the seed; clears tokens and runtime config unless told to keep them. */
  reset(options?: ResetOptions): Promise<void>;
  /** Changes settings at run time (rate limits, latency, faults, auto-approve, expiring tokens). */
  configure(patch: Partial<EmulatorConfig>): EmulatorConfig;
  /** Issues a token for a seeded user directly and returns it (`gho_...`). */
  mintToken(request: MintTokenRequest): string;
  /** Makes a token answer 401 from now on. */
  expireToken(token: string): void;
  registerApp(app: OAuthAppConfig): void;
}

/** Starts the emulator on `options.port` (default 0: a free port) and `options.host` (default 127.0.0.1). */
export async function startGitHubEmulator(options: EmulatorOptions = {}): Promise<RunningGitHubEmulator> {
  const state = new EmulatorState(options);
  const server = createServer(createEmulatorApp(options, state));
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  return {
    url,
    apiUrl: url,
    state,
    close: async () => {
      const closed = once(server, 'close');
      server.close();
      // Keep-alive connections (fetch, Octokit) would otherwise hold close() open.
      server.closeAllConnections();
      await closed;
    },
    reset: async (resetOptions) => state.reset(resetOptions),
    configure: (patch) => state.configure(patch),
    mintToken: (request) => state.mintToken(request).token,
    expireToken: (token) => {
      if (!state.expireToken(token)) throw new Error('github-emulator: no such token');
    },
    registerApp: (app) => state.registerApp(app),
  };
}

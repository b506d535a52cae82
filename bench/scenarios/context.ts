import type { Agent } from 'undici';
import type { EmulatorProcess } from '../harness/emulator-process.ts';
import type { OAuthClient, TokenSet } from '../harness/oauth-client.ts';
import type { RssSampler } from '../harness/rss.ts';
import type { Stack } from '../harness/stack.ts';

export interface BenchContext {
  stack: Stack;
  emulator: EmulatorProcess;
  client: OAuthClient;
  rss: RssSampler;
  /** Keep-alive connections for the custom loops. */
  dispatcher: Agent;
  /** A registered public client, its redirect URI, and a first token set. */
  clientId: string;
  redirectUri: string;
  tokens: TokenSet;
}

export interface ResultRow {
  scenario: string;
  metric: string;
  value: string;
  target: string;
  /** undefined: reported, no target. */
  pass?: boolean;
}

export const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

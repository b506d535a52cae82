import { busEnv, envPort, envUrl, healthEnv, logEnv, parseEnv, redisEnv } from '@gatehouse/config';
import { z } from 'zod';
import { adminEnv } from './admin/config.ts';
import { mcpEnv } from './mcp/config.ts';
import { oauthEnv } from './oauth/config.ts';

/** Every variable the mcp-gateway service reads; parsed once at boot. The README's table lists them. */
export const configSchema = z.object({
  ...logEnv,
  ...busEnv,
  ...redisEnv,
  /** Port of the public HTTP listener (the only one exposed to the internet). */
  PORT: envPort(8080),
  /** Address the public listener binds. */
  HOST: z.string().default('0.0.0.0'),
  /** The URL clients use to reach the gateway: the OAuth issuer and the base of the MCP resource. */
  PUBLIC_URL: envUrl(['http', 'https'], 'http://localhost:8080'),
  ...healthEnv(9100),
  ...oauthEnv,
  ...mcpEnv,
  ...adminEnv,
});

export type Config = z.output<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseEnv('mcp-gateway', configSchema, env);
}

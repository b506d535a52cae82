import { parseEnv } from '@gatehouse/config';
import { describe, expect, test } from '@gatehouse/testing';
import { z } from 'zod';
import { mcpEnv } from './config.ts';

const schema = z.object(mcpEnv);
const parse = (env: Record<string, string>) => parseEnv('mcp-gateway', schema, env);

describe('the /mcp environment', () => {
  test('defaults to least privilege, all tools, automatic step-up', () => {
    expect(parse({})).toMatchObject({
      MCP_DEFAULT_SCOPES: ['repos:read', 'issues:read'],
      READ_ONLY_TOOLS: false,
      MCP_ALLOWED_ORIGINS: [],
      MCP_STEP_UP_CHALLENGE: 'auto',
      MCP_ACCESS_TOKEN_MAX_LIFETIME: 3_600_000,
      MCP_TOKEN_CLOCK_LEEWAY: 5_000,
      MCP_WIDGET_LINK_ORIGINS: ['https://github.com'],
    });
  });

  test('refuses scopes outside the catalog, origins with paths or wildcards, and absurd durations', () => {
    expect(() => parse({ MCP_DEFAULT_SCOPES: 'repos:read admin' })).toThrow(/MCP_DEFAULT_SCOPES/);
    expect(() => parse({ MCP_ALLOWED_ORIGINS: 'http://localhost:6274/app' })).toThrow(/MCP_ALLOWED_ORIGINS/);
    expect(() => parse({ MCP_ALLOWED_ORIGINS: '*' })).toThrow(/MCP_ALLOWED_ORIGINS/);
    expect(() => parse({ MCP_TOKEN_CLOCK_LEEWAY: '10m' })).toThrow(/MCP_TOKEN_CLOCK_LEEWAY/);
    expect(() => parse({ MCP_STEP_UP_CHALLENGE: 'sometimes' })).toThrow(/MCP_STEP_UP_CHALLENGE/);
    expect(
      parse({ MCP_ALLOWED_ORIGINS: 'http://localhost:6274, https://inspector.example' }).MCP_ALLOWED_ORIGINS,
    ).toEqual(['http://localhost:6274', 'https://inspector.example']);
  });
});

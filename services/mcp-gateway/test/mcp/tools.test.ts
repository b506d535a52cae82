import { describe, expect, test } from '@gatehouse/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { z } from 'zod';
import { withTestEventStream } from '../oauth/event-stream.ts';
import { PUBLIC_URL, RESOURCE, RESOURCE_METADATA, startTestGateway, type TestGateway } from './harness.ts';
import { post, publishedEvents, toolCall } from './http.ts';
import { jwksOf, mintAccessToken, testSigningKey } from './tokens.ts';

const key = await testSigningKey();
const jwks = jwksOf(key);
const mint = (scopes: string[], grantId?: string) =>
  mintAccessToken(key, {
    issuer: PUBLIC_URL,
    audience: RESOURCE,
    scopes,
    grantId,
    userId: 'u-1',
    clientId: 'c-1',
  });

async function connect(gateway: TestGateway, token: string): Promise<Client> {
  const client = new Client({ name: 'gatehouse-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

const RawTools = z.looseObject({ tools: z.array(z.looseObject({ name: z.string() })) });
const ALL_TOOLS = [
  'whoami',
  'list_repositories',
  'get_repository',
  'list_branches',
  'list_issues',
  'search_issues',
  'create_issue',
  'create_pull_request',
];

let gateway: TestGateway;
let readOnly: TestGateway;

describe('/mcp tools and widgets', () => {
  withTestEventStream();
  test.beforeAll(async ({ infrastructure, isolation }) => {
    gateway = await startTestGateway(infrastructure, isolation, { jwks: async () => jwks });
    readOnly = await startTestGateway(infrastructure, isolation, {
      jwks: async () => jwks,
      env: { READ_ONLY_TOOLS: 'true' },
    });
  });
  test.afterAll(async () => {
    await gateway?.close();
    await readOnly?.close();
  });

  test('the MCP SDK client lists every tool with schemas, annotations and its widget', async () => {
    const client = await connect(gateway, await mint(['repos:read']));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(ALL_TOOLS);
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(byName.list_repositories).toMatchObject({
      title: 'List repositories',
      inputSchema: {
        type: 'object',
        properties: { visibility: { enum: ['all', 'public', 'private'] }, per_page: { maximum: 100 } },
        additionalProperties: false,
      },
      outputSchema: { type: 'object', required: ['repositories', 'next_cursor'] },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      _meta: {
        securitySchemes: [{ type: 'oauth2', scopes: ['repos:read'] }],
        ui: { resourceUri: 'ui://gatehouse/repositories.html', visibility: ['model', 'app'] },
        'openai/outputTemplate': 'ui://gatehouse/repositories.skybridge.html',
        'openai/widgetAccessible': true,
        'openai/toolInvocation/invoking': 'Listing your repositories…',
      },
    });
    expect(byName.create_issue?.annotations).toEqual({
      title: 'Create an issue',
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: true,
    });
    expect(byName.create_pull_request?._meta?.securitySchemes).toEqual([
      { type: 'oauth2', scopes: ['pulls:write'] },
    ]);
    for (const tool of tools) {
      expect(tool.description!.length, tool.name).toBeLessThan(400);
      const meta = tool._meta as Record<string, string>;
      expect(meta['openai/toolInvocation/invoking']!.length).toBeLessThanOrEqual(64);
      expect(meta['openai/toolInvocation/invoked']!.length).toBeLessThanOrEqual(64);
    }
    await client.close();
  });

  test('securitySchemes sits at the top level of each descriptor, mirrored in _meta (Apps SDK)', async () => {
    const client = await connect(gateway, await mint(['repos:read']));
    const { tools } = await client.request({ method: 'tools/list' }, RawTools);
    for (const tool of tools) {
      expect(tool.securitySchemes, tool.name).toEqual(
        (tool._meta as { securitySchemes: unknown }).securitySchemes,
      );
    }
    expect(tools.find((t) => t.name === 'create_issue')?.securitySchemes).toEqual([
      { type: 'oauth2', scopes: ['issues:write'] },
    ]);
    await client.close();
  });

  test('a read-only deployment hides the tools that write', async () => {
    const client = await connect(readOnly, await mint(['repos:read', 'issues:write']));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(ALL_TOOLS.filter((n) => !n.startsWith('create_')));
    const call = await client.callTool({
      name: 'create_issue',
      arguments: { owner: 'o', repo: 'r', title: 't' },
    });
    expect(call.isError).toBe(true);
    await client.close();
  });

  test('serves each widget as an MCP Apps resource and a skybridge alias, with its CSP', async () => {
    const client = await connect(gateway, await mint(['repos:read']));
    const { resources } = await client.listResources();
    expect(resources.map((r) => [r.uri, r.mimeType]).sort()).toEqual(
      ['repositories', 'issues', 'created', 'connect']
        .flatMap((name) => [
          [`ui://gatehouse/${name}.html`, 'text/html;profile=mcp-app'],
          [`ui://gatehouse/${name}.skybridge.html`, 'text/html+skybridge'],
        ])
        .sort(),
    );
    const { contents } = await client.readResource({ uri: 'ui://gatehouse/repositories.html' });
    expect(contents).toHaveLength(1);
    const [content] = contents as Array<{
      uri: string;
      mimeType: string;
      text: string;
      _meta: Record<string, unknown>;
    }>;
    expect(content?.mimeType).toBe('text/html;profile=mcp-app');
    expect(content?.text).toMatch(/^<!doctype html>/i);
    expect(content?.text).not.toMatch(/<script[^>]+src=|<link[^>]+href=/i);
    expect(content?._meta).toEqual({
      ui: { csp: { connectDomains: [], resourceDomains: [] }, prefersBorder: true },
      'openai/widgetCSP': {
        connect_domains: [],
        resource_domains: [],
        redirect_domains: ['https://github.com'],
      },
      'openai/widgetDescription': expect.any(String),
      'openai/widgetPrefersBorder': true,
    });
    const skybridge = await client.readResource({ uri: 'ui://gatehouse/repositories.skybridge.html' });
    expect(skybridge.contents[0]?.mimeType).toBe('text/html+skybridge');
    await client.close();
  });

  test('step-up: a tool call missing its scope is answered 403 insufficient_scope for HTTP clients', async () => {
    const token = await mint(['repos:read', 'issues:read'], 'g-step-up');
    const response = await post(
      gateway.mcpUrl,
      toolCall('create_issue', { owner: 'o', repo: 'r', title: 'Bug' }),
      {
        token,
      },
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${RESOURCE_METADATA}", scope="repos:read issues:read issues:write", error="insufficient_scope", error_description="The create_issue tool needs the issues:write scope (open issues); authorize again to grant it."`,
    );
  });

  test('step-up: ChatGPT gets a tool result carrying the challenge in _meta["mcp/www_authenticate"]', async () => {
    const token = await mint(['repos:read'], 'g-chatgpt');
    const response = await post(
      gateway.mcpUrl,
      toolCall(
        'create_pull_request',
        { owner: 'o', repo: 'r', head: 'feature', base: 'main', title: 'PR' },
        {
          'openai/userAgent': 'ChatGPT/1.0',
          'openai/locale': 'en-US',
        },
      ),
      { token },
    );
    expect(response.status).toBe(200);
    const { result } = await response.json();
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(result._meta['mcp/www_authenticate']).toEqual([
      `Bearer resource_metadata="${RESOURCE_METADATA}", scope="repos:read pulls:write", error="insufficient_scope", error_description="The create_pull_request tool needs the pulls:write scope (open pull requests); authorize again to grant it."`,
    ]);
    expect(result._meta['gatehouse/error']).toMatchObject({ code: 'insufficient_scope' });
  });

  test('validates arguments before anything reaches GitHub', async () => {
    const client = await connect(gateway, await mint(['repos:read']));
    const result = await client.callTool({
      name: 'get_repository',
      arguments: { owner: '-bad-', repo: '..' },
    });
    expect(result.isError).toBe(true);
    expect((result.content as Array<{ text: string }>)[0]?.text).toContain(
      'must be a GitHub user or organization name',
    );
    await client.close();
  });

  test('a worker that cannot be reached becomes a clear tool error, and the call is audited', async () => {
    const token = await mint(['repos:read'], 'g-audit');
    const client = await connect(gateway, token);
    const result = await client.callTool({
      name: 'get_repository',
      arguments: { owner: 'octocat', repo: 'hello' },
    });
    expect(result).toMatchObject({
      isError: true,
      content: [{ type: 'text', text: 'GitHub cannot be reached right now; retry shortly.' }],
    });
    await client.close();
    const events = await publishedEvents(gateway.bus, ['gateway.tool.called'], 1);
    const event = events.find((e) => e.grantId === 'g-audit');
    expect(event).toMatchObject({
      type: 'gateway.tool.called',
      service: 'mcp-gateway',
      actor: { userId: 'u-1' },
      clientId: 'c-1',
      grantId: 'g-audit',
      reason: 'unavailable',
      details: { tool: 'get_repository', repository: 'octocat/hello' },
    });
    expect(Number(event?.details.latency_ms)).toBeGreaterThanOrEqual(0);
  });

  test('a refused token is audited without the token', async () => {
    const token = await mint(['repos:read']);
    const tampered = `${token.slice(0, -4)}AAAA`;
    const response = await post(
      gateway.mcpUrl,
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      { token: tampered },
    );
    expect(response.status).toBe(401);
    const events = await publishedEvents(gateway.bus, ['gateway.token.rejected'], 1);
    expect(events[0]).toMatchObject({ type: 'gateway.token.rejected', reason: 'signature' });
    const recorded = JSON.stringify(events, (_key, value) =>
      typeof value === 'bigint' ? String(value) : value,
    );
    for (const part of tampered.split('.')) {
      expect(recorded).not.toContain(part);
      expect(gateway.logs.text()).not.toContain(part);
    }
  });
});

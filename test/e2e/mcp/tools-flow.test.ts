import { Bus } from '@gatehouse/bus';
import { createLogger } from '@gatehouse/logging';
import { ALL_SCOPES, Outcome } from '@gatehouse/proto';
import { describe, expect, freePort, type RunningService, startService, test } from '@gatehouse/testing';
import { auth, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { decodeJwt } from 'jose';
import { publishedEvents } from '../../../services/mcp-gateway/test/mcp/http.ts';
import { buildWidgets } from '../../../services/mcp-gateway/widgets/build.ts';
import { Browser, type Stack, startStack, withTestEventStream } from '../oauth/stack.ts';
import { MemoryProvider, REDIRECT_URI } from './memory-provider.ts';

// The whole path, as in production: the official MCP SDK client authorizes through the real flow
// (discovery, registration, GitHub sign-in on the emulator, consent), then calls every tool; the
// gateway verifies the token, asks the GitHub worker over NATS, the worker asks identity for the
// person's GitHub token and calls the emulated GitHub. Every service runs as its own process.

let stack: Stack;
let worker: RunningService;
let replica: RunningService;
let replicaUrl: string;

/** An MCP session of the SDK client, re-authorizing through the browser whenever it must. */
class Session {
  readonly provider = new MemoryProvider();
  readonly browser = new Browser();
  client: Client | undefined;
  /** Every `WWW-Authenticate` the gateway answered with. */
  readonly challenges: string[] = [];

  readonly serverUrl: string;

  constructor(serverUrl: string) {
    this.serverUrl = serverUrl;
  }

  #transport(): StreamableHTTPClientTransport {
    return new StreamableHTTPClientTransport(new URL(this.serverUrl), {
      authProvider: this.provider,
      fetch: async (url, init) => {
        const response = await fetch(url, init);
        const challenge = response.headers.get('www-authenticate');
        if (challenge) this.challenges.push(challenge);
        return response;
      },
    });
  }

  /**
   * Registers the client (RFC 7591) for every scope it may ever ask for. Left to itself, the SDK
   * registers with the scope of the first challenge (`repos:read`), and identity holds a client to
   * its registered scope (RFC 7591 §2), which would rule out any later step-up.
   */
  async register(): Promise<void> {
    const response = await fetch(new URL('/oauth/register', this.serverUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...this.provider.clientMetadata, scope: ALL_SCOPES.join(' ') }),
    });
    expect(response.status).toBe(201);
    this.provider.saveClientInformation(await response.json());
  }

  /** Connects; when the gateway asks for authorization, signs in and consents, then connects again. */
  async connect(): Promise<Client> {
    if (!this.provider.clientInformation()) await this.register();
    await this.client?.close();
    this.client = new Client({ name: 'gatehouse-e2e', version: '1.0.0' });
    const transport = this.#transport();
    try {
      await this.client.connect(transport);
      return this.client;
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) throw error;
    }
    await this.#authorizeInBrowser(transport);
    this.client = new Client({ name: 'gatehouse-e2e', version: '1.0.0' });
    await this.client.connect(this.#transport());
    return this.client;
  }

  async #authorizeInBrowser(transport: StreamableHTTPClientTransport): Promise<void> {
    const url = this.provider.takeAuthorizationUrl();
    const { callback } = await this.browser.authorize(url.href, REDIRECT_URI);
    await transport.finishAuth(callback.searchParams.get('code')!);
  }

  /**
   * Calls a tool; on a 403 insufficient_scope step-up challenge, authorizes again with the scope
   * it names and retries. (The SDK 1.32 client answers the 403 by refreshing its token, which
   * cannot widen a grant (RFC 6749 §6), so it gives up; a new authorization is what widens it.)
   */
  async call(name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
    try {
      return (await this.client!.callTool({ name, arguments: args })) as CallToolResult;
    } catch (error) {
      const challenge = this.challenges.at(-1) ?? '';
      if (!/error="insufficient_scope"/.test(challenge)) throw error;
      await this.authorize(/scope="([^"]*)"/.exec(challenge)![1]!);
      await this.client?.close();
      this.client = new Client({ name: 'gatehouse-e2e', version: '1.0.0' });
      await this.client.connect(this.#transport());
      return (await this.client.callTool({ name, arguments: args })) as CallToolResult;
    }
  }

  /** A new authorization for `scope`: the browser signs in (session kept) and consents. */
  async authorize(scope: string): Promise<void> {
    this.provider.forgetTokens();
    expect(await auth(this.provider, { serverUrl: this.serverUrl, scope })).toBe('REDIRECT');
    const url = this.provider.takeAuthorizationUrl();
    expect(url.searchParams.get('scope')).toBe(scope);
    const { callback } = await this.browser.authorize(url.href, REDIRECT_URI);
    const code = callback.searchParams.get('code');
    if (!code) throw new Error(`authorization failed: ${callback.href}`);
    expect(await auth(this.provider, { serverUrl: this.serverUrl, authorizationCode: code })).toBe(
      'AUTHORIZED',
    );
  }

  scopes(): string[] {
    return String(decodeJwt(this.provider.tokens()!.access_token).scope).split(' ');
  }
}

describe('MCP end to end: SDK client, gateway, worker, identity, token, GitHub emulator', () => {
  withTestEventStream();
  test.beforeAll(async ({ infrastructure, isolation }) => {
    // The gateway refuses to start without its widgets; build them as `npm run build` does.
    await buildWidgets({ quiet: true });
    stack = await startStack(infrastructure, isolation, { gatewayEnv: { MCP_DEFAULT_SCOPES: 'repos:read' } });
    const port = await freePort();
    replicaUrl = `http://127.0.0.1:${port}`;
    [worker, replica] = await Promise.all([
      startService('github-worker', {
        ...stack.env,
        GITHUB_API_URL: stack.emulator.apiUrl,
      }),
      // A second gateway replica behind the same PUBLIC_URL, as behind a load balancer.
      startService('mcp-gateway', {
        ...stack.env,
        REDIS_KEY_PREFIX: `${isolation.redisPrefix}gateway:`,
        HOST: '127.0.0.1',
        PORT: String(port),
        MCP_DEFAULT_SCOPES: 'repos:read',
      }),
    ]);
  }, 90_000);
  test.afterAll(async () => {
    await Promise.all([worker?.stop(), replica?.stop()]);
    await stack?.stop();
  });

  test('authorizes with repos:read, calls every tool, and steps up to issues:read, issues:write, pulls:write', async () => {
    const session = new Session(`${stack.publicUrl}/mcp`);
    const client = await session.connect();
    expect(session.challenges[0]).toBe(
      `Bearer resource_metadata="${stack.publicUrl}/.well-known/oauth-protected-resource/mcp", scope="repos:read"`,
    );
    expect(session.scopes()).toEqual(['repos:read']);

    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual([
      'whoami',
      'list_repositories',
      'get_repository',
      'list_branches',
      'list_issues',
      'search_issues',
      'create_issue',
      'create_pull_request',
    ]);

    const whoami = await session.call('whoami');
    expect(whoami.isError).toBeFalsy();
    expect(whoami.structuredContent).toMatchObject({ login: 'octocat', scopes: ['repos:read'] });
    const masked = (whoami.structuredContent as { masked_upstream_token: string }).masked_upstream_token;
    expect(masked).toMatch(/^gho_…[A-Za-z0-9_]{4}$/);

    const repositories = await session.call('list_repositories', { per_page: 5, sort: 'full_name' });
    const listed = repositories.structuredContent as {
      repositories: { full_name: string }[];
      next_cursor: string;
    };
    expect(listed.repositories).toHaveLength(5);
    expect(listed.next_cursor).toEqual(expect.any(String));
    const next = await session.call('list_repositories', {
      per_page: 5,
      sort: 'full_name',
      cursor: listed.next_cursor,
    });
    const nextNames = (next.structuredContent as typeof listed).repositories.map((r) => r.full_name);
    expect(nextNames).not.toContain(listed.repositories[0]!.full_name);

    const repository = await session.call('get_repository', { owner: 'octocat', repo: 'gatehouse-demo' });
    expect(repository.structuredContent).toMatchObject({
      repository: { full_name: 'octocat/gatehouse-demo', default_branch: 'main' },
    });
    const branches = await session.call('list_branches', { owner: 'octocat', repo: 'gatehouse-demo' });
    expect(
      (branches.structuredContent as { branches: { name: string }[] }).branches.map((b) => b.name),
    ).toEqual(expect.arrayContaining(['main', 'feature-x']));

    // issues:read was not granted: the SDK client gets 403 insufficient_scope and re-authorizes.
    const issues = await session.call('list_issues', {
      owner: 'octocat',
      repo: 'gatehouse-demo',
      state: 'all',
    });
    expect(session.challenges).toContain(
      `Bearer resource_metadata="${stack.publicUrl}/.well-known/oauth-protected-resource/mcp", scope="repos:read issues:read", error="insufficient_scope", error_description="The list_issues tool needs the issues:read scope (read issues and pull requests); authorize again to grant it."`,
    );
    expect(session.scopes()).toEqual(['repos:read', 'issues:read']);
    const listedIssues = (issues.structuredContent as { issues: { is_pull_request: boolean }[] }).issues;
    expect(listedIssues.length).toBeGreaterThan(0);
    expect(listedIssues.every((issue) => !issue.is_pull_request)).toBe(true);

    const search = await session.call('search_issues', { query: 'repo:octocat/gatehouse-demo is:issue' });
    expect((search.structuredContent as { total_count: number }).total_count).toBeGreaterThan(0);

    const created = await session.call('create_issue', {
      owner: 'octocat',
      repo: 'gatehouse-demo',
      title: 'Filed from the MCP end-to-end test',
      body: 'Created through Gatehouse.',
      labels: ['bug'],
    });
    expect(session.scopes()).toEqual(['repos:read', 'issues:read', 'issues:write']);
    expect(created.structuredContent).toMatchObject({
      kind: 'issue',
      issue: {
        repository: 'octocat/gatehouse-demo',
        title: 'Filed from the MCP end-to-end test',
        state: 'open',
      },
    });

    const pull = await session.call('create_pull_request', {
      owner: 'octocat',
      repo: 'gatehouse-demo',
      head: 'docs-typo',
      base: 'main',
      title: 'Fix the README typo',
      draft: true,
    });
    expect(session.scopes()).toEqual(['repos:read', 'issues:read', 'issues:write', 'pulls:write']);
    expect(pull.isError, JSON.stringify(pull.content)).toBeFalsy();
    expect(pull.structuredContent).toMatchObject({
      kind: 'pull_request',
      pull_request: { head: 'docs-typo', base: 'main', draft: true, state: 'open' },
    });
    await session.client?.close();
  });

  test('every tool call is audited with its outcome and GitHub request id, never with its arguments', async ({
    infrastructure,
    isolation,
  }) => {
    const bus = await Bus.connect({
      url: infrastructure.natsUrl,
      prefix: isolation.natsPrefix,
      service: 'audit-reader',
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    try {
      const events = await publishedEvents(bus, ['gateway.tool.called'], 12);
      const created = events.find((e) => e.details.tool === 'create_issue' && e.outcome === Outcome.SUCCESS);
      expect(created).toMatchObject({
        service: 'mcp-gateway',
        actor: { userId: expect.any(String) },
        clientId: expect.any(String),
        grantId: expect.any(String),
        details: { repository: 'octocat/gatehouse-demo', github_request_id: expect.stringMatching(/\S+/) },
      });
      const denied = events.find((e) => e.details.tool === 'list_issues' && e.outcome === Outcome.DENIED);
      expect(denied?.reason).toBe('insufficient_scope');
      const recorded = JSON.stringify(events, (_key, value) =>
        typeof value === 'bigint' ? String(value) : value,
      );
      expect(recorded).not.toContain('Created through Gatehouse.');
      expect(recorded).not.toContain('Filed from the MCP end-to-end test');
    } finally {
      await bus.drain();
    }
  });

  test('revoking the grant fails the next call within one second on both gateway replicas', async () => {
    const session = new Session(`${stack.publicUrl}/mcp`);
    await session.connect();
    const tokens = session.provider.tokens()!;
    const list = (url: string) =>
      fetch(`${url}/mcp`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${tokens.access_token}`,
          Accept: 'application/json, text/event-stream',
          'Content-Type': 'application/json',
          'MCP-Protocol-Version': '2025-11-25',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
    expect((await list(stack.publicUrl)).status).toBe(200);
    expect((await list(replicaUrl)).status).toBe(200);

    const revokedAt = Date.now();
    const revoke = await fetch(`${stack.publicUrl}/oauth/revoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: tokens.refresh_token!,
        token_type_hint: 'refresh_token',
        client_id: session.provider.clientInformation()!.client_id,
      }).toString(),
    });
    expect(revoke.status).toBe(200);
    const refused = async (url: string) => {
      for (;;) {
        const response = await list(url);
        if (response.status === 401) return Date.now() - revokedAt;
        if (Date.now() - revokedAt > 1_000) throw new Error(`${url} still accepts the token`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const [first, second] = await Promise.all([refused(stack.publicUrl), refused(replicaUrl)]);
    expect(first).toBeLessThan(1_000);
    expect(second).toBeLessThan(1_000);
    await session.client?.close();
  });

  test('a GitHub connection that died asks the client to reconnect, with the challenge ChatGPT reads', async () => {
    const session = new Session(`${stack.publicUrl}/mcp`);
    await session.connect();
    for (const { token, login } of stack.emulator.state.snapshot().tokens as {
      token: string;
      login: string;
    }[]) {
      if (login === 'octocat') stack.emulator.expireToken(token);
    }
    const result = await session.call('list_repositories');
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0]?.text).toContain('reconnect GitHub');
    const challenges = result._meta?.['mcp/www_authenticate'] as string[] | undefined;
    expect(challenges).toHaveLength(1);
    const challenge = challenges![0]!;
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toContain(
      `resource_metadata="${stack.publicUrl}/.well-known/oauth-protected-resource/mcp"`,
    );
    expect(challenge).toContain('scope="repos:read"');
    await session.client?.close();
  });
});

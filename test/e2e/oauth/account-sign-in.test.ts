import { describe, expect, test } from '@gatehouse/testing';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { MemoryProvider, REDIRECT_URI } from '../mcp/memory-provider.ts';
import { Browser, wholeStack, withTestEventStream } from './stack.ts';

// A person connects an app, later opens /account in another browser and signs in with GitHub
// there. Every service is a process of its own; GitHub is emulated. The account sign-in must not
// disturb the app (its tool calls keep working) and must be on the audit trail as such.

const ADMIN_TOKEN = 'account-sign-in-admin-token-3b9e71c2d4f0a685';

describe('signing in on /account with the whole stack', () => {
  withTestEventStream();
  const stack = wholeStack(ADMIN_TOKEN);

  test('the app keeps working, /account lists it, and the audit log records an account sign-in', async () => {
    const serverUrl = `${stack.publicUrl}/mcp`;
    const provider = new MemoryProvider();
    expect(await auth(provider, { serverUrl })).toBe('REDIRECT');
    const { callback } = await new Browser().authorize(provider.takeAuthorizationUrl().href, REDIRECT_URI);
    expect(await auth(provider, { serverUrl, authorizationCode: callback.searchParams.get('code')! })).toBe(
      'AUTHORIZED',
    );
    const listRepositories = async () => {
      const client = new Client({ name: 'account-e2e', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: provider }));
      const result = await client.callTool({ name: 'list_repositories', arguments: { per_page: 5 } });
      await client.close();
      return result;
    };
    expect((await listRepositories()).isError).toBeFalsy();

    // Another browser: signed out, then Sign in with GitHub, back on /account.
    const browser = new Browser();
    const signedOut = await browser.navigate(`${stack.publicUrl}/account`, 'about:never');
    expect(signedOut.kind === 'page' && signedOut.html).toContain('href="/account/sign-in"');
    const account = await browser.navigate(`${stack.publicUrl}/account/sign-in`, 'about:never');
    expect(account).toMatchObject({ kind: 'page', url: `${stack.publicUrl}/account`, status: 200 });
    const html = account.kind === 'page' ? account.html : '';
    expect(html).toContain('@octocat');
    expect(html).toContain('MCP end-to-end client');
    expect(browser.visits.map((visit) => new URL(visit.url).pathname)).toEqual([
      '/account',
      '/account/sign-in',
      '/login/oauth/authorize',
      '/oauth/callback/github',
      '/account',
    ]);

    // The app's GitHub token was left alone: its tool calls still reach GitHub.
    expect((await listRepositories()).isError).toBeFalsy();

    const query = new URLSearchParams({ user: 'octocat', type: 'identity.login.', order: 'oldest_first' });
    const logins = async () => {
      const response = await fetch(`${stack.publicUrl}/admin/audit/events?${query}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      return ((await response.json()) as { events: Record<string, unknown>[] }).events;
    };
    await expect.poll(async () => (await logins()).length, { timeout: 15_000 }).toBe(2);
    const [connected, signedIn] = await logins();
    expect(connected).toMatchObject({ type: 'identity.login.succeeded', client_id: expect.any(String) });
    expect(signedIn).toMatchObject({
      type: 'identity.login.succeeded',
      outcome: 'OUTCOME_SUCCESS',
      details: { purpose: 'account' },
    });
    expect(signedIn!.client_id ?? '').toBe('');
    const recorded = JSON.stringify(signedIn);
    const sessionId = browser.cookie(stack.publicUrl, 'gatehouse_session')!;
    expect(recorded).not.toContain(sessionId);
    for (const issued of stack.emulator.state.tokens.list()) expect(recorded).not.toContain(issued.token);
  }, 60_000);
});

import { describe, expect, test } from '@gatehouse/testing';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { decodeJwt } from 'jose';
import { buildWidgets } from '../../../services/mcp-gateway/widgets/build.ts';
import { MemoryProvider, REDIRECT_URI } from '../mcp/memory-provider.ts';
import { Browser, type Stack, wholeStack, withTestEventStream } from '../oauth/stack.ts';

// One person's whole session, every service a process of its own: the MCP SDK client registers,
// is authorized through GitHub (emulated) and consent, calls two tools, refreshes, and revokes.
// The operator then finds it all in the audit log, by person and by client, through the gateway's
// admin API (and so through the audit service's NATS query).

const ADMIN_TOKEN = 'flow-events-admin-token-6d1f0c8e2b7a4935';
const EVENT = { type: '', occurred_at: '', outcome: '' };
type StoredEvent = typeof EVENT & Record<string, unknown>;

let stack: Stack;

async function auditLog(filters: Record<string, string>): Promise<StoredEvent[]> {
  const query = new URLSearchParams({ ...filters, order: 'oldest_first', limit: '1000' });
  const response = await fetch(`${stack.publicUrl}/admin/audit/events?${query}`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { events: StoredEvent[] }).events;
}

/** Whether `events` (oldest first) holds every type of every step, each step after the one before. */
function inSteps(events: readonly StoredEvent[], steps: readonly (readonly string[])[]): boolean {
  let from = 0;
  for (const step of steps) {
    const positions = step.map((type) => events.findIndex((e, i) => i >= from && e.type === type));
    if (positions.some((p) => p < 0)) return false;
    from = Math.max(...positions) + 1;
  }
  return true;
}

describe('the audit trail of a whole session', () => {
  withTestEventStream();
  stack = wholeStack(ADMIN_TOKEN, { beforeStart: () => buildWidgets({ quiet: true }) });

  test('registration, authorization, tool calls, refresh and revocation are recorded, by person and by client', async () => {
    const serverUrl = `${stack.publicUrl}/mcp`;
    const provider = new MemoryProvider();
    expect(await auth(provider, { serverUrl })).toBe('REDIRECT');
    const clientId = provider.clientInformation()!.client_id;
    const { callback } = await new Browser().authorize(provider.takeAuthorizationUrl().href, REDIRECT_URI);
    const code = callback.searchParams.get('code')!;
    expect(await auth(provider, { serverUrl, authorizationCode: code })).toBe('AUTHORIZED');
    const issued = provider.tokens()!;
    const grantId = String(decodeJwt(issued.access_token).gid);

    const client = new Client({ name: 'audit-e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: provider }));
    expect((await client.callTool({ name: 'whoami', arguments: {} })).isError).toBeFalsy();
    expect(
      (await client.callTool({ name: 'list_repositories', arguments: { per_page: 5 } })).isError,
    ).toBeFalsy();
    await client.close();

    expect(await auth(provider, { serverUrl })).toBe('AUTHORIZED');
    const refreshed = provider.tokens()!;
    const revoked = await fetch(`${stack.publicUrl}/oauth/revoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: refreshed.refresh_token!, client_id: clientId }).toString(),
    });
    expect(revoked.status).toBe(200);

    const byClient = [
      ['token.client.registered'],
      [
        'identity.authorization.requested',
        'identity.login.succeeded',
        'identity.consent.granted',
        'token.code.issued',
      ],
      ['token.code.redeemed', 'token.token.issued'],
      ['gateway.tool.called', 'gateway.tool.called'],
      ['token.refresh_token.rotated'],
      ['token.token.revoked', 'token.grant.revoked'],
    ];
    await expect
      .poll(async () => inSteps(await auditLog({ client_id: clientId }), byClient), { timeout: 15_000 })
      .toBe(true);
    const clientEvents = await auditLog({ client_id: clientId });
    expect(
      clientEvents
        .filter((e) => e.type === 'gateway.tool.called')
        .map((e) => (e.details as { tool: string }).tool),
    ).toEqual(['whoami', 'list_repositories']);
    expect(clientEvents.every((e) => e.outcome === 'OUTCOME_SUCCESS')).toBe(true);

    // By person: from sign-in on. The tool calls carry only the user id, and are found through the login.
    const byPerson = byClient.slice(2);
    await expect
      .poll(async () => inSteps(await auditLog({ user: 'octocat' }), byPerson), { timeout: 10_000 })
      .toBe(true);
    const personEvents = await auditLog({ user: 'octocat', since: '1h' });
    expect(inSteps(personEvents, [['identity.login.succeeded', 'identity.consent.granted']])).toBe(true);
    expect(
      personEvents
        .filter((e) => e.type.startsWith('token.'))
        .every((e) => e.grant_id === grantId || e.grant_id === undefined),
    ).toBe(true);

    // The grant, the type prefix and the outcome filters see the same trail.
    const grantTypes = (await auditLog({ grant_id: grantId })).map((e) => e.type);
    expect(grantTypes).toEqual(
      expect.arrayContaining(['token.token.issued', 'gateway.tool.called', 'token.grant.revoked']),
    );
    expect((await auditLog({ client_id: clientId, type: 'gateway.' })).map((e) => e.type)).toEqual([
      'gateway.tool.called',
      'gateway.tool.called',
    ]);

    // No secret of the session is anywhere in what was recorded.
    const recorded = JSON.stringify(clientEvents) + JSON.stringify(personEvents);
    for (const secret of [
      issued.access_token,
      issued.refresh_token!,
      refreshed.access_token,
      refreshed.refresh_token!,
      code,
    ]) {
      expect(recorded).not.toContain(secret);
    }
  }, 60_000);
});

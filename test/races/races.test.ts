// Concurrency on the single-use and rotating credentials: whatever the interleaving, one code makes
// one token, one refresh makes one rotation, one pending request makes one code, registrations never
// collide, and a revocation stops the tool calls that follow it.
import { describe, expect } from '@gatehouse/testing';
import { mcpCall, toolCall } from '../../bench/harness/mcp-client.ts';
import { Browser, pkce } from '../../bench/harness/oauth-client.ts';
import { proofTest } from '../../bench/harness/proof-test.ts';
import {
  obtainCodeFor,
  RATE_LIMITS_OFF,
  REDIRECT,
  STACK_START_TIMEOUT_MS,
} from '../attacks/support/code-flow.ts';

const GRACE_MS = 2_000;
const test = proofTest({
  env: {
    ...RATE_LIMITS_OFF,
    REFRESH_REUSE_GRACE: `${GRACE_MS / 1000}s`,
  },
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('races', () => {
  test('100 parallel redemptions of one code yield exactly one token', {
    timeout: STACK_START_TIMEOUT_MS,
  }, async ({ stack }) => {
    const { client } = stack;
    const clientId = await client.registerPublicClient();
    const { code, verifier } = await obtainCodeFor(client, clientId);
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => client.exchangeCode(clientId, code!, REDIRECT, verifier.verifier)),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(
      answers.filter((answer) => answer.status !== 200).every((a) => a.json?.error === 'invalid_grant'),
    ).toBe(true);
  });

  test('20 parallel refreshes rotate once, the rest get the identical new pair, and a later reuse revokes the grant', async ({
    stack,
  }) => {
    const { client } = stack;
    const { clientId, tokens } = await client.connect();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => client.refresh(clientId, tokens.refresh_token)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    const pairs = new Set(
      answers.map((answer) => `${answer.json?.access_token} ${answer.json?.refresh_token}`),
    );
    expect(pairs.size).toBe(1);
    const rotated = String(answers[0]!.json?.refresh_token);
    expect(rotated).not.toBe(tokens.refresh_token);
    const rotations = stack.events.filter((event) =>
      event.subject.endsWith('token.refresh_token.rotated.v1'),
    );
    await sleep(GRACE_MS + 500);
    expect(rotations.length).toBeGreaterThanOrEqual(1);
    const reuse = await client.refresh(clientId, tokens.refresh_token);
    expect(reuse.json?.error).toBe('invalid_grant');
    // Reuse outside the grace window revokes the grant: the rotated token is dead too.
    expect((await client.refresh(clientId, rotated)).json?.error).toBe('invalid_grant');
  });

  test('concurrent registrations produce distinct, intact clients', async ({ stack }) => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        stack.client.register({
          client_name: `client ${index}`,
          redirect_uris: [`https://c${index}.example/cb`],
        }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(40).fill(201));
    const ids = answers.map((answer) => String(answer.json?.client_id));
    expect(new Set(ids).size).toBe(40);
    // Each registration reads back as exactly what was registered (no crossed rows).
    const readBack = await Promise.all(
      answers.map(async (answer) => {
        const response = await fetch(
          `${stack.publicUrl}/oauth/register/${encodeURIComponent(String(answer.json?.client_id))}`,
          {
            headers: { authorization: `Bearer ${answer.json?.registration_access_token}` },
          },
        );
        return (await response.json()) as { client_name?: string; redirect_uris?: string[] };
      }),
    );
    readBack.forEach((client, index) => {
      expect(client.client_name).toBe(`client ${index}`);
      expect(client.redirect_uris).toEqual([`https://c${index}.example/cb`]);
    });
  });

  test('concurrent approvals of one pending request issue exactly one code', async ({ stack }) => {
    const { client } = stack;
    const clientId = await client.registerPublicClient();
    const browser = new Browser();
    const outcome = await client.authorize(browser, {
      clientId,
      redirectUri: REDIRECT,
      pkce: pkce(),
      state: 'race',
    });
    expect(outcome.consent).toBeDefined();
    const decisions = await Promise.all(
      Array.from({ length: 20 }, () => client.decide(browser, outcome.consent!, 'approve')),
    );
    const codes = decisions.map((decision) => decision.code).filter(Boolean);
    expect(codes).toHaveLength(1);
  });

  test('tool calls made after the revocation event are refused', async ({ stack }) => {
    const { client } = stack;
    const { clientId, tokens } = await client.connect();
    const calls: { startedAt: number; status: number }[] = [];
    let running = true;
    const load = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (running) {
          const startedAt = performance.now();
          const answer = await mcpCall(
            stack.resource,
            tokens.access_token,
            toolCall('list_repositories', {}),
          );
          calls.push({ startedAt, status: answer.status });
        }
      }),
    );
    await sleep(300);
    const revoked = await client.revoke(clientId, tokens.refresh_token);
    expect(revoked.status).toBe(200);
    const deadline = Date.now() + 3_000;
    let eventAt: number | undefined;
    while (eventAt === undefined && Date.now() < deadline) {
      if (stack.events.some((event) => event.subject.endsWith('token.grant.revoked.v1')))
        eventAt = performance.now();
      else await sleep(5);
    }
    await sleep(500);
    running = false;
    await load;
    expect(eventAt).toBeDefined();
    expect(calls.filter((call) => call.startedAt < eventAt! && call.status === 200).length).toBeGreaterThan(
      0,
    );
    // The gateway hears the same event; allow it 100 ms to apply it.
    const after = calls.filter((call) => call.startedAt > eventAt! + 100);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((call) => call.status !== 401)).toEqual([]);
  });
});

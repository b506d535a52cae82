import type { BusError } from '@gatehouse/bus';
import { type RunningGitHubEmulator, startGitHubEmulator } from '@gatehouse/github-emulator';
import { identity, Outcome } from '@gatehouse/proto';
import { describe, expect, test } from '@gatehouse/testing';
import { Redis } from 'ioredis';
import { Sessions } from '../src/sessions/sessions.ts';
import { RedisSessions } from '../src/store/redis.ts';
import { identityEnv, type RunningIdentity, runIdentity } from './support.ts';

const { getSession, endSession } = identity.IdentityService.method;
const octocat = {
  id: '0b6c4d1e-8f2a-4c3b-9d5e-7a1f2b3c4d5e',
  githubId: 1,
  githubLogin: 'octocat',
  avatarUrl: 'https://a.example/1',
};

// GetSession and EndSession over the bus, as the gateway's /account page calls them.
describe('browser login sessions', () => {
  let emulator: RunningGitHubEmulator;
  let identityService: RunningIdentity;
  let redis: Redis;
  let sessions: Sessions;

  test.beforeAll(async ({ infrastructure, isolation }) => {
    emulator = await startGitHubEmulator();
    identityService = await runIdentity(identityEnv(infrastructure, isolation, emulator));
    redis = new Redis(infrastructure.redisUrl, { keyPrefix: isolation.redisPrefix });
    // The same store the service reads, as sign-in writes it.
    sessions = new Sessions(new RedisSessions(redis), identityService.config.SESSION_TTL);
  });

  test.afterAll(async () => {
    await identityService?.close();
    await redis?.quit();
    await emulator?.close();
  });

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (error: BusError) => error,
    );

  test('tells the gateway who is signed in, with a CSRF token for the account forms', async () => {
    const { id, session } = await sessions.open(octocat);
    const reply = await identityService.caller.request(getSession, { sessionId: id });
    expect(reply).toMatchObject({
      userId: octocat.id,
      githubLogin: 'octocat',
      avatarUrl: 'https://a.example/1',
      csrfToken: session.csrfToken,
    });
    expect(reply.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('keeps the session under a digest: Redis never holds the cookie value', async () => {
    const { id } = await sessions.open(octocat);
    const keys = await redis.keys(`${redis.options.keyPrefix}identity:session:*`);
    expect(keys.length).toBeGreaterThan(0);
    const values = await Promise.all(
      keys.map((key) => redis.get(key.slice(String(redis.options.keyPrefix).length))),
    );
    expect(keys.join(' ') + values.join(' ')).not.toContain(id);
  });

  test('signs out: the session is gone and the sign-out is audited without the session id', async () => {
    const { id } = await sessions.open(octocat);
    const seen = identityService.events.all().length;
    await identityService.caller.request(endSession, {
      sessionId: id,
      origin: { ip: '203.0.113.7', userAgent: 'Browser/1.0' },
    });
    expect(await refusal(identityService.caller.request(getSession, { sessionId: id }))).toMatchObject({
      code: 'not_found',
      description: 'Not signed in.',
      httpStatus: 404,
    });
    const event = await identityService.events.next('identity.session.ended', seen);
    expect(event).toMatchObject({
      outcome: Outcome.SUCCESS,
      actor: { userId: octocat.id, githubLogin: 'octocat' },
      ip: '203.0.113.7',
      userAgent: 'Browser/1.0',
    });
    expect(identityService.events.raw()).not.toContain(id);
  });

  test('signing out twice, or an unknown session, is not an error and is not audited', async () => {
    const { id } = await sessions.open(octocat);
    const before = identityService.events.all().length;
    await identityService.caller.request(endSession, { sessionId: id });
    // The first sign-out's event is published after its reply: counted once it has arrived.
    await identityService.events.next('identity.session.ended', before);
    const seen = identityService.events.all().length;
    await identityService.caller.request(endSession, { sessionId: id });
    await identityService.caller.request(endSession, { sessionId: 'x' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(identityService.events.all().slice(seen)).toEqual([]);
  });

  test.each([
    ['empty', ''],
    ['short', 'abc'],
    ['the right length with a foreign character', `${'a'.repeat(42)}!`],
    ['unknown', 'A'.repeat(43)],
  ])('an %s session id is not signed in', async (_name, sessionId) => {
    expect(await refusal(identityService.caller.request(getSession, { sessionId }))).toMatchObject({
      code: 'not_found',
    });
  });

  test('a session ends at its lifetime', async () => {
    const brief = new Sessions(new RedisSessions(redis), 300);
    const { id } = await brief.open(octocat);
    expect((await identityService.caller.request(getSession, { sessionId: id })).userId).toBe(octocat.id);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await refusal(identityService.caller.request(getSession, { sessionId: id }))).toMatchObject({
      code: 'not_found',
    });
  });

  test('never logs a session id or CSRF token', async () => {
    const { id, session } = await sessions.open(octocat);
    await identityService.caller.request(getSession, { sessionId: id });
    await identityService.caller.request(endSession, { sessionId: id });
    await refusal(identityService.caller.request(getSession, { sessionId: id }));
    expect(identityService.logs.text()).not.toContain(id);
    expect(identityService.logs.text()).not.toContain(session.csrfToken);
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { type Timestamp, timestampDate } from '@bufbuild/protobuf/wkt';
import { Bus, BusError, eventStreamName } from '@gatehouse/bus';
import { type RunningGitHubEmulator, startGitHubEmulator } from '@gatehouse/github-emulator';
import { createLogger } from '@gatehouse/logging';
import { github, identity, token } from '@gatehouse/proto';
import { describe, expect, type RunningService, startService, test } from '@gatehouse/testing';
import pg from 'pg';
import { afterAll } from 'vitest';

// The worker with the real identity service holding the person's GitHub token (and the real token
// service, which identity asks about the client): a person signs in through the emulator as
// GitHub, then the worker acts for them over the bus, as in production.
const ORIGIN = { ip: '127.0.0.1', userAgent: 'github-worker-test' };
const REDIRECT_URI = 'http://127.0.0.1:7777/callback';

let emulator: RunningGitHubEmulator | undefined;
let bus: Bus | undefined;
const services: RunningService[] = [];

afterAll(async () => {
  await Promise.all(services.map((service) => service.stop()));
  if (bus) {
    const jsm = await bus.jetstreamManager();
    await jsm.streams.delete(eventStreamName(bus.prefix)).catch(() => false);
    await bus.drain();
  }
  await emulator?.close();
});

/** Registers a client and signs octocat in with GitHub through identity; returns their user id. */
async function signIn(bus: Bus, emulator: RunningGitHubEmulator): Promise<string> {
  const client = await bus.request(token.TokenService.method.registerClient, {
    metadata: {
      redirectUris: [REDIRECT_URI],
      clientName: 'worker test',
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
    },
    origin: ORIGIN,
  });
  const verifier = randomBytes(32).toString('base64url');
  const started = await bus.request(identity.IdentityService.method.startAuthorization, {
    params: {
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: REDIRECT_URI,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      scope: 'repos:read',
      state: 'worker-test',
    },
    origin: ORIGIN,
  });
  expect(started.step.case).toBe('redirectTo');
  const authorize = started.step.value as string;
  expect(authorize.startsWith(emulator.url)).toBe(true);
  // The emulator signs octocat in without a page (autoApprove) and sends the browser back.
  const callback = new URL((await fetch(authorize, { redirect: 'manual' })).headers.get('location')!);
  const completed = await bus.request(identity.IdentityService.method.completeUpstreamLogin, {
    params: Object.fromEntries(callback.searchParams),
    sessionId: started.setSession?.id ?? '',
    origin: ORIGIN,
  });
  const session = await bus.request(identity.IdentityService.method.getSession, {
    sessionId: completed.setSession!.id,
  });
  expect(session.githubLogin).toBe('octocat');
  return session.userId;
}

/** GitHub revokes every token it gave the app (as if the person revoked it at github.com). */
function revokeAtGitHub(emulator: RunningGitHubEmulator): string[] {
  const live = emulator.state.tokens.list().filter((issued) => issued.clientId === 'gatehouse-dev');
  for (const issued of live) emulator.expireToken(issued.token);
  return live.map((issued) => issued.token);
}

describe('with the real identity service', () => {
  test('reads the token from identity, refreshes it through identity when GitHub refuses it, and asks to reconnect when that fails', async ({
    infrastructure,
    isolation,
  }) => {
    emulator = await startGitHubEmulator({ expiringTokens: true, accessTokenTtlSeconds: 3_600 });
    const env = {
      NATS_URL: infrastructure.natsUrl,
      NATS_SUBJECT_PREFIX: isolation.natsPrefix,
      REDIS_URL: infrastructure.redisUrl,
      REDIS_KEY_PREFIX: isolation.redisPrefix,
      DATABASE_URL: isolation.databaseUrl,
      GITHUB_WEB_URL: emulator.url,
      GITHUB_API_URL: emulator.apiUrl,
    };
    services.push(
      ...(await Promise.all([
        startService('token', env),
        startService('identity', env),
        startService('github-worker', env),
      ])),
    );
    bus = await Bus.connect({
      url: infrastructure.natsUrl,
      prefix: isolation.natsPrefix,
      service: 'test',
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    const userId = await signIn(bus, emulator);
    const caller = { userId, grantId: 'grant-1', clientId: 'client-1' };
    const getViewer = () =>
      bus!.request(github.GitHubService.method.getViewer, { caller }, { timeoutMs: 8_000 });

    const viewer = await getViewer();
    expect(viewer.login).toBe('octocat');
    const expiresIn = timestampDate(viewer.upstreamExpiresAt as Timestamp).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(3_500_000);

    // GitHub refuses the token now. Identity does not refresh a pair obtained under 30 s ago (it
    // takes such a request for a duplicate), so the sign-in is moved an hour into the past.
    const revoked = revokeAtGitHub(emulator);
    const sql = new pg.Client({ connectionString: isolation.databaseUrl });
    await sql.connect();
    const age = () =>
      sql.query(
        "UPDATE identity.upstream_accounts SET obtained_at = now() - interval '1 hour' WHERE user_id = $1",
        [userId],
      );
    await age();
    const afterRefresh = await getViewer();
    expect(afterRefresh.login).toBe('octocat');
    expect(afterRefresh.maskedToken).not.toBe(viewer.maskedToken);
    expect(emulator.state.tokens.list().filter((issued) => issued.clientId === 'gatehouse-dev')).toHaveLength(
      revoked.length + 1,
    );

    const issued = emulator.state.tokens.list().map((entry) => entry.token);

    // GitHub forgets every token and refresh token: the refresh fails and the person must reconnect.
    await emulator.reset({ keepConfig: true });
    await age();
    await sql.end();
    const error = await getViewer().then(
      () => undefined,
      (reason: unknown) => reason as BusError,
    );
    expect(error).toBeInstanceOf(BusError);
    expect(error).toMatchObject({
      code: 'invalid_grant',
      httpStatus: 400,
      retryable: false,
      description: 'GitHub no longer accepts this connection; reconnect GitHub',
    });

    const worker = services.find((service) => service.name === 'github-worker')!;
    expect(issued.length).toBeGreaterThanOrEqual(2);
    for (const secret of issued) expect(worker.output()).not.toContain(secret.slice(4));
  }, 30_000);
});

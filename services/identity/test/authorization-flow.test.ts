import { createHash, randomBytes } from 'node:crypto';
import type { MessageShape } from '@bufbuild/protobuf';
import { identity, Outcome, token } from '@gatehouse/proto';
import { describe, expect, test } from '@gatehouse/testing';
import {
  atGitHub,
  Browser,
  CALLBACK,
  cancelAtGitHub,
  ISSUER,
  identityWithTokenService,
  type Step,
} from './support.ts';

type ConsentPage = MessageShape<typeof identity.ConsentPageSchema>;

const RESOURCE = `${ISSUER}/mcp`;
const ORIGIN = { ip: '198.51.100.23', userAgent: 'FlowTest/1.0' };

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

// The whole browser flow over the real bus: identity (its start composition) asks the real token
// service process for clients and codes; GitHub is the stack.emulator. The gateway's part — turning steps
// into HTTP — is played by this test.
describe('the authorization flow', () => {
  const stack = identityWithTokenService();
  let clientId = '';

  // A client of its own per test: consents remembered by one test never skip another's page.
  test.beforeEach(async () => {
    const registered = await stack.identity.caller.request(token.TokenService.method.registerClient, {
      metadata: {
        redirectUris: ['http://127.0.0.1/callback', 'https://app.example/cb'],
        clientName: 'Flow <Test> Client',
        tokenEndpointAuthMethod: 'none',
        grantTypes: ['authorization_code', 'refresh_token'],
        responseTypes: ['code'],
      },
      origin: ORIGIN,
    });
    clientId = registered.clientId;
  });

  const call = () => stack.identity.caller;

  function authorize(browser: Browser, params: Record<string, string | undefined> = {}) {
    const defined = Object.fromEntries(
      Object.entries({
        client_id: clientId,
        redirect_uri: 'http://127.0.0.1:5555/callback',
        response_type: 'code',
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
        state: 'client-state-1',
        scope: 'repos:read',
        resource: RESOURCE,
        ...params,
      }).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    return call()
      .request(identity.IdentityService.method.startAuthorization, {
        params: defined,
        sessionId: browser.sessionId,
        origin: ORIGIN,
      })
      .then((step) => browser.remember(step));
  }

  function callback(browser: Browser, params: Record<string, string>) {
    return call()
      .request(identity.IdentityService.method.completeUpstreamLogin, {
        params,
        sessionId: browser.sessionId,
        origin: ORIGIN,
      })
      .then((step) => browser.remember(step));
  }

  function decide(browser: Browser, page: ConsentPage, approve: boolean, csrfToken = page.csrfToken) {
    return call().request(identity.IdentityService.method.decideConsent, {
      pendingId: page.pendingId,
      sessionId: browser.sessionId,
      csrfToken,
      approve,
      origin: ORIGIN,
    });
  }

  /** Start → GitHub → callback: the consent page, for a browser that was not signed in. */
  async function throughSignIn(browser: Browser, params: Record<string, string | undefined> = {}) {
    const step = await callback(browser, await atGitHub(await authorize(browser, params)));
    expect(step.step.case).toBe('consent');
    return step.step.value as ConsentPage;
  }

  function clientResponse(step: Step) {
    expect(step.step.case).toBe('redirectTo');
    const url = new URL(step.step.value as string);
    return { at: url.origin + url.pathname, params: Object.fromEntries(url.searchParams) };
  }

  function errorPage(step: Step) {
    expect(step.step.case).toBe('errorPage');
    const { error, description } = step.step.value as { error: string; description: string };
    return { error, description };
  }

  test('signs in with GitHub, shows consent, and answers the client with a code the token service redeems', async () => {
    const browser = new Browser();
    const { verifier, challenge } = pkce();
    const started = await authorize(browser, { code_challenge: challenge, scope: 'repos:read issues:read' });

    // To GitHub, with our own state and PKCE, and a cookie to bind the sign-in to this browser.
    const github = new URL(started.step.value as string);
    expect(github.origin + github.pathname).toBe(`${stack.emulator.url}/login/oauth/authorize`);
    expect(github.searchParams.get('client_id')).toBe('gatehouse-dev');
    expect(github.searchParams.get('redirect_uri')).toBe(CALLBACK);
    expect(github.searchParams.get('scope')).toBe('repo');
    expect(github.searchParams.get('code_challenge_method')).toBe('S256');
    expect(github.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(github.searchParams.get('state')).not.toBe('client-state-1');
    expect(started.setSession?.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const bindingCookie = browser.sessionId;

    const consent = await callback(browser, await atGitHub(started));
    // Sign-in opens a new session: the cookie from before is replaced, never promoted.
    expect(consent.setSession?.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(consent.setSession?.id).not.toBe(bindingCookie);
    expect(consent.setSession?.maxAgeSeconds).toBe(12 * 3600);
    expect(consent.step.case).toBe('consent');
    const page = consent.step.value as ConsentPage;
    expect(page).toMatchObject({
      clientName: 'Flow <Test> Client',
      clientId,
      redirectHost: '127.0.0.1:5555',
      githubLogin: 'octocat',
      unverifiedClient: false,
      scopes: [
        { name: 'repos:read', title: 'See your repositories' },
        { name: 'issues:read', title: 'Read issues and pull requests' },
      ],
    });
    expect(page.avatarUrl).toMatch(/^http/);

    const answer = clientResponse(await decide(browser, page, true));
    expect(answer.at).toBe('http://127.0.0.1:5555/callback');
    expect(answer.params).toEqual({ code: expect.any(String), state: 'client-state-1', iss: ISSUER });

    const tokens = await call().request(token.TokenService.method.exchangeToken, {
      params: {
        grant_type: 'authorization_code',
        code: answer.params.code!,
        redirect_uri: 'http://127.0.0.1:5555/callback',
        code_verifier: verifier,
        client_id: clientId,
        resource: RESOURCE,
      },
      origin: ORIGIN,
    });
    expect(tokens.accessToken.split('.')).toHaveLength(3);
    expect(tokens.scope.split(' ').sort()).toEqual(['issues:read', 'repos:read']);

    const types = stack.identity.events.all().map((event) => event.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'identity.authorization.requested',
        'identity.login.succeeded',
        'identity.consent.granted',
      ]),
    );
    const login = await stack.identity.events.next('identity.login.succeeded');
    expect(login).toMatchObject({
      outcome: Outcome.SUCCESS,
      actor: { githubLogin: 'octocat' },
      clientId,
      ip: ORIGIN.ip,
      userAgent: ORIGIN.userAgent,
    });
  });

  test('skips consent when an earlier one covers the request, unless prompt=consent', async () => {
    const browser = new Browser();
    const page = await throughSignIn(browser, { scope: 'repos:read' });
    clientResponse(await decide(browser, page, true));

    const seen = stack.identity.events.all().length;
    const again = clientResponse(await authorize(browser, { scope: 'repos:read', state: 'second' }));
    expect(again.params).toEqual({ code: expect.any(String), state: 'second', iss: ISSUER });
    const granted = await stack.identity.events.next('identity.consent.granted', seen);
    expect(granted.details).toMatchObject({ remembered: 'true' });

    const forced = await authorize(browser, { scope: 'repos:read', prompt: 'consent' });
    expect(forced.step.case).toBe('consent');

    // More than was approved: the page again; approving it adds to what is remembered.
    const wider = await authorize(browser, { scope: 'repos:read issues:write' });
    expect(wider.step.case).toBe('consent');
    clientResponse(await decide(browser, wider.step.value as ConsentPage, true));
    expect(clientResponse(await authorize(browser, { scope: 'issues:write' })).params.code).toBeDefined();
  });

  test('forgets the consent when the person revokes the grant, so the client must ask again', async () => {
    const browser = new Browser();
    const { verifier, challenge } = pkce();
    const page = await throughSignIn(browser, { code_challenge: challenge, scope: 'repos:read' });
    const { code } = clientResponse(await decide(browser, page, true)).params;
    await call().request(token.TokenService.method.exchangeToken, {
      params: {
        grant_type: 'authorization_code',
        code: code!,
        redirect_uri: 'http://127.0.0.1:5555/callback',
        code_verifier: verifier,
        client_id: clientId,
      },
      origin: ORIGIN,
    });
    const silently = () => authorize(browser, { prompt: 'none', scope: 'repos:read' }).then(clientResponse);
    expect((await silently()).params.code).toBeDefined();

    // The connected-apps page: who is signed in, their grants, revoke this client's.
    const { userId } = await call().request(identity.IdentityService.method.getSession, {
      sessionId: browser.sessionId,
    });
    const { grants } = await call().request(token.TokenService.method.listGrants, { userId });
    const grant = grants.find((candidate) => candidate.clientId === clientId)!;
    await call().request(token.TokenService.method.revokeGrant, {
      userId,
      grantId: grant.id,
      origin: ORIGIN,
    });

    let answer = await silently();
    for (let tries = 0; answer.params.code && tries < 50; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      answer = await silently();
    }
    expect(answer.params.error).toBe('consent_required');
    expect((await authorize(browser, { scope: 'repos:read' })).step.case).toBe('consent');
  });

  test('prompt=none never shows a page: login_required, consent_required, or a code', async () => {
    const stranger = new Browser();
    const noSession = clientResponse(await authorize(stranger, { prompt: 'none' }));
    expect(noSession.params).toEqual({
      error: 'login_required',
      error_description: 'The person is not signed in.',
      state: 'client-state-1',
      iss: ISSUER,
    });

    const browser = new Browser();
    const page = await throughSignIn(browser, { scope: 'repos:read' });
    clientResponse(await decide(browser, page, true));
    expect(
      clientResponse(await authorize(browser, { prompt: 'none', scope: 'repos:read' })).params.code,
    ).toBeDefined();
    expect(
      clientResponse(await authorize(browser, { prompt: 'none', scope: 'pulls:write' })).params,
    ).toMatchObject({
      error: 'consent_required',
      state: 'client-state-1',
      iss: ISSUER,
    });
  });

  test('uses GitHub’s state once: a replayed callback is refused on a page', async () => {
    const browser = new Browser();
    const returned = await atGitHub(await authorize(browser));
    expect((await callback(browser, returned)).step.case).toBe('consent');
    expect(errorPage(await callback(browser, returned))).toMatchObject({ error: 'invalid_request' });
  });

  test('refuses a callback carried to another browser (login CSRF)', async () => {
    const victim = new Browser();
    const attacker = new Browser();
    const returned = await atGitHub(await authorize(attacker));
    victim.sessionId = randomBytes(32).toString('base64url');
    const seen = stack.identity.events.all().length;
    expect(errorPage(await callback(victim, returned))).toEqual({
      error: 'access_denied',
      description: 'This sign-in was started in another browser. Start again from the application.',
    });
    const failed = await stack.identity.events.next('identity.login.failed', seen);
    expect(failed).toMatchObject({ outcome: Outcome.DENIED, reason: 'browser_mismatch' });
  });

  test('sends access_denied to the client when the person cancels at GitHub', async () => {
    stack.emulator.configure({ autoApprove: null });
    try {
      const browser = new Browser();
      const started = await authorize(browser, { state: 'cancel-me' });
      const returned = await cancelAtGitHub(started, stack.emulator.url);

      const seen = stack.identity.events.all().length;
      const answer = clientResponse(await callback(browser, returned));
      expect(answer.at).toBe('http://127.0.0.1:5555/callback');
      expect(answer.params).toEqual({
        error: 'access_denied',
        error_description: 'The person declined to sign in with GitHub.',
        state: 'cancel-me',
        iss: ISSUER,
      });
      const failed = await stack.identity.events.next('identity.login.failed', seen);
      expect(failed).toMatchObject({ outcome: Outcome.DENIED, reason: 'access_denied', clientId });
    } finally {
      stack.emulator.configure({ autoApprove: 'octocat' });
    }
  });

  test('answers temporarily_unavailable when GitHub fails the code exchange', async () => {
    const browser = new Browser();
    const returned = await atGitHub(await authorize(browser));
    stack.emulator.configure({ faults: [{ path: '^/login/oauth/access_token$', status: 502, times: 1 }] });
    expect(clientResponse(await callback(browser, returned)).params).toMatchObject({
      error: 'temporarily_unavailable',
      state: 'client-state-1',
      iss: ISSUER,
    });
  });

  test('binds the consent form to its session and CSRF token, and takes it once', async () => {
    const browser = new Browser();
    const page = await throughSignIn(browser);

    const forged = errorPage(await decide(browser, page, true, randomBytes(32).toString('base64url')));
    expect(forged).toMatchObject({ error: 'invalid_request' });
    expect(errorPage(await decide(browser, page, true, ''))).toMatchObject({ error: 'invalid_request' });

    // The same form posted from another signed-in browser is refused too.
    const other = new Browser();
    await throughSignIn(other);
    const otherSession = other.sessionId;
    other.sessionId = otherSession;
    expect(
      errorPage(
        await call().request(identity.IdentityService.method.decideConsent, {
          pendingId: page.pendingId,
          sessionId: otherSession,
          csrfToken: page.csrfToken,
          approve: true,
          origin: ORIGIN,
        }),
      ),
    ).toMatchObject({ error: 'access_denied' });

    // The refusals did not consume it: the real form still works, once.
    expect(clientResponse(await decide(browser, page, true)).params.code).toBeDefined();
    expect(errorPage(await decide(browser, page, true))).toMatchObject({ error: 'invalid_request' });
  });

  test('two simultaneous approvals of one form yield one code', async () => {
    const browser = new Browser();
    const page = await throughSignIn(browser);
    const results = await Promise.all(Array.from({ length: 5 }, () => decide(browser, page, true)));
    expect(results.filter((step) => step.step.case === 'redirectTo')).toHaveLength(1);
    expect(results.filter((step) => step.step.case === 'errorPage')).toHaveLength(4);
  });

  test('sends access_denied when the person denies, and remembers nothing', async () => {
    const browser = new Browser();
    const page = await throughSignIn(browser, { scope: 'pulls:write', state: 'deny-me' });
    const seen = stack.identity.events.all().length;
    expect(clientResponse(await decide(browser, page, false)).params).toEqual({
      error: 'access_denied',
      error_description: 'The person denied access.',
      state: 'deny-me',
      iss: ISSUER,
    });
    expect((await stack.identity.events.next('identity.consent.denied', seen)).outcome).toBe(Outcome.DENIED);
    expect((await authorize(browser, { scope: 'pulls:write' })).step.case).toBe('consent');
  });

  test('shows an error page, never a redirect, for an unknown client or redirect URI', async () => {
    const browser = new Browser();
    const seen = stack.identity.events.all().length;
    expect(errorPage(await authorize(browser, { client_id: 'no-such-client' }))).toEqual({
      error: 'invalid_client',
      description: 'The client is not known to this server.',
    });
    expect(errorPage(await authorize(browser, { redirect_uri: 'https://evil.example/cb' }))).toEqual({
      error: 'invalid_request',
      description: 'The redirect_uri is not registered for this client.',
    });
    expect(errorPage(await authorize(browser, { redirect_uri: undefined }))).toMatchObject({
      error: 'invalid_request',
    });
    const rejected = await stack.identity.events.next('identity.authorization.rejected', seen);
    expect(rejected).toMatchObject({ outcome: Outcome.FAILURE, reason: 'client_not_found', ip: ORIGIN.ip });
  });

  test('redirects the other errors to the client with state and iss', async () => {
    const browser = new Browser();
    const answer = clientResponse(await authorize(browser, { code_challenge_method: 'plain', state: 'p1' }));
    expect(answer).toEqual({
      at: 'http://127.0.0.1:5555/callback',
      params: {
        error: 'invalid_request',
        error_description: 'The code_challenge_method must be S256.',
        state: 'p1',
        iss: ISSUER,
      },
    });
    expect(
      clientResponse(await authorize(browser, { resource: 'https://elsewhere.example/mcp' })).params.error,
    ).toBe('invalid_target');
    expect(clientResponse(await authorize(browser, { scope: 'repos:write' })).params.error).toBe(
      'invalid_scope',
    );
    // ChatGPT and Claude add OpenID scopes; they are ignored, not refused.
    const tolerated = await authorize(browser, { scope: 'openid profile email offline_access repos:read' });
    expect(tolerated.step.case).toBe('redirectTo');
    expect(new URL(tolerated.step.value as string).origin).toBe(stack.emulator.url);
  });

  test('leaves no session id, state, code, CSRF token or GitHub token in logs or events', async () => {
    const browser = new Browser();
    const started = await authorize(browser);
    const returned = await atGitHub(started);
    const page = (await callback(browser, returned)).step.value as ConsentPage;
    const answer = clientResponse(await decide(browser, page, true));
    await new Promise((resolve) => setTimeout(resolve, 200));

    const secrets = [
      started.setSession!.id,
      browser.sessionId,
      returned.state!,
      returned.code!,
      page.csrfToken,
      page.pendingId,
      answer.params.code!,
      ...stack.emulator.state.tokens.list().map((issued) => issued.token),
    ];
    const everything = stack.identity.logs.text() + stack.identity.events.raw() + stack.token.output();
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});

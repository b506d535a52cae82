import { randomBytes } from 'node:crypto';
import type { BusError } from '@gatehouse/bus';
import { identity, Outcome, token } from '@gatehouse/proto';
import { describe, expect, test } from '@gatehouse/testing';
import { atGitHub, Browser, cancelAtGitHub, ISSUER, identityWithTokenService, type Step } from './support.ts';

const ORIGIN = { ip: '198.51.100.24', userAgent: 'AccountTest/1.0' };
const { startAccountSignIn, completeUpstreamLogin, getSession, getUpstreamToken } =
  identity.IdentityService.method;

// Signing in from /account (no client, no authorization request) over the real bus, GitHub emulated.
describe('account sign-in', () => {
  const stack = identityWithTokenService();

  const call = () => stack.identity.caller;

  const start = (browser: Browser) =>
    call()
      .request(startAccountSignIn, { sessionId: browser.sessionId, origin: ORIGIN })
      .then((step) => browser.remember(step));

  const callback = (browser: Browser, params: Record<string, string>) =>
    call()
      .request(completeUpstreamLogin, { params, sessionId: browser.sessionId, origin: ORIGIN })
      .then((step) => browser.remember(step));

  function errorPage(step: Step) {
    expect(step.step.case).toBe('errorPage');
    const { error, description } = step.step.value as { error: string; description: string };
    return { error, description };
  }

  async function signedIn(browser = new Browser()) {
    const step = await callback(browser, await atGitHub(await start(browser)));
    expect(step.step).toEqual({ case: 'redirectTo', value: `${ISSUER}/account` });
    return browser;
  }

  /** Connects an app the usual way (authorize → GitHub → consent), which stores a `repo` token. */
  async function connectAnApp(browser: Browser) {
    const { clientId } = await call().request(token.TokenService.method.registerClient, {
      metadata: {
        redirectUris: ['http://127.0.0.1/callback'],
        clientName: 'Connected first',
        tokenEndpointAuthMethod: 'none',
        grantTypes: ['authorization_code', 'refresh_token'],
        responseTypes: ['code'],
      },
      origin: ORIGIN,
    });
    const params = {
      client_id: clientId,
      redirect_uri: 'http://127.0.0.1:5555/callback',
      response_type: 'code',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      state: 's',
      scope: 'repos:read',
      resource: `${ISSUER}/mcp`,
    };
    const started = browser.remember(
      await call().request(identity.IdentityService.method.startAuthorization, {
        params,
        sessionId: browser.sessionId,
        origin: ORIGIN,
      }),
    );
    expect((await callback(browser, await atGitHub(started))).step.case).toBe('consent');
  }

  test('sends the browser to GitHub for no scopes, bound to a fresh cookie, and back to /account signed in', async () => {
    const browser = new Browser();
    const started = await start(browser);
    const github = new URL(started.step.value as string);
    expect(github.origin + github.pathname).toBe(`${stack.emulator.url}/login/oauth/authorize`);
    expect(github.searchParams.get('scope')).toBe('');
    expect(github.searchParams.get('prompt')).toBeNull();
    expect(github.searchParams.get('code_challenge_method')).toBe('S256');
    expect(github.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(started.setSession?.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const bindingCookie = browser.sessionId;

    const seen = stack.identity.events.all().length;
    const done = await callback(browser, await atGitHub(started));
    expect(done.step).toEqual({ case: 'redirectTo', value: `${ISSUER}/account` });
    // A new session id, never the binding cookie promoted.
    expect(done.setSession?.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(done.setSession?.id).not.toBe(bindingCookie);
    expect(done.setSession?.maxAgeSeconds).toBe(12 * 3600);
    expect(await call().request(getSession, { sessionId: browser.sessionId })).toMatchObject({
      githubLogin: 'octocat',
    });

    const login = await stack.identity.events.next('identity.login.succeeded', seen);
    expect(login).toMatchObject({
      outcome: Outcome.SUCCESS,
      actor: { githubLogin: 'octocat' },
      clientId: '',
      ip: ORIGIN.ip,
      details: { purpose: 'account', github_id: expect.any(String) },
    });
    expect(login.details.github_scopes).toBeUndefined();
  });

  test('keeps a browser that already has a cookie on that cookie, and an invalid one gets a fresh one', async () => {
    const kept = new Browser();
    kept.sessionId = randomBytes(32).toString('base64url');
    const step = await call().request(startAccountSignIn, { sessionId: kept.sessionId, origin: ORIGIN });
    expect(step.step.case).toBe('redirectTo');
    expect(step.setSession).toBeUndefined();

    for (const invalid of ['short', 'not an id at all!', 'x'.repeat(300)]) {
      const fresh = await call().request(startAccountSignIn, { sessionId: invalid, origin: ORIGIN });
      expect(fresh.step.case).toBe('redirectTo');
      expect(fresh.setSession?.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
  });

  test('sends a browser that is already signed in straight back to /account', async () => {
    const browser = await signedIn();
    const step = await call().request(startAccountSignIn, { sessionId: browser.sessionId, origin: ORIGIN });
    expect(step.step).toEqual({ case: 'redirectTo', value: `${ISSUER}/account` });
    expect(step.setSession).toBeUndefined();
  });

  test('stores no GitHub token: the one connected apps use keeps its scopes and keeps working', async () => {
    const first = new Browser();
    await connectAnApp(first);
    const { userId } = await call().request(getSession, { sessionId: first.sessionId });
    const before = await call().request(getUpstreamToken, { userId });
    expect(before.scopes).toEqual(['repo']);

    await signedIn(new Browser());
    const after = await call().request(getUpstreamToken, { userId });
    expect(after.accessToken).toBe(before.accessToken);
    expect(after.scopes).toEqual(['repo']);
    const user = await fetch(`${stack.emulator.apiUrl}/user`, {
      headers: { authorization: `Bearer ${after.accessToken}` },
    });
    expect(user.status).toBe(200);
    expect(user.headers.get('x-oauth-scopes')).toBe('repo');
  });

  test('a person who only ever signed in on /account has no GitHub token for tools', async () => {
    // A GitHub id of its own: octocat's may hold a token stored by another test.
    stack.emulator.configure({ autoApprove: 'hubot' });
    try {
      const browser = await signedIn();
      const { userId, githubLogin } = await call().request(getSession, { sessionId: browser.sessionId });
      expect(githubLogin).toBe('hubot');
      const refused = await call()
        .request(getUpstreamToken, { userId })
        .catch((error: BusError) => error);
      expect((refused as BusError).code).toBe('invalid_grant');
    } finally {
      stack.emulator.configure({ autoApprove: 'octocat' });
    }
  });

  test('shows an error page, never a redirect, when the person cancels at GitHub', async () => {
    stack.emulator.configure({ autoApprove: null });
    try {
      const browser = new Browser();
      const started = await start(browser);
      const returned = await cancelAtGitHub(started, stack.emulator.url);

      const seen = stack.identity.events.all().length;
      const step = await callback(browser, returned);
      expect(errorPage(step)).toEqual({
        error: 'access_denied',
        description: 'You cancelled signing in with GitHub. Sign in again from the Connected apps page.',
      });
      expect(step.setSession).toBeUndefined();
      const failed = await stack.identity.events.next('identity.login.failed', seen);
      expect(failed).toMatchObject({
        outcome: Outcome.DENIED,
        reason: 'access_denied',
        clientId: '',
        details: { purpose: 'account', redirected: 'false' },
      });
    } finally {
      stack.emulator.configure({ autoApprove: 'octocat' });
    }
  });

  test('refuses a callback carried to another browser (login CSRF)', async () => {
    const attacker = new Browser();
    const returned = await atGitHub(await start(attacker));
    for (const victim of [randomBytes(32).toString('base64url'), '']) {
      const browser = new Browser();
      browser.sessionId = victim;
      const seen = stack.identity.events.all().length;
      const step = await callback(browser, returned);
      if (victim === '') {
        // The state was used by the first attempt: single use.
        expect(errorPage(step).error).toBe('invalid_request');
        continue;
      }
      expect(errorPage(step)).toEqual({
        error: 'access_denied',
        description:
          'This sign-in was started in another browser. Sign in again from the Connected apps page.',
      });
      expect(step.setSession).toBeUndefined();
      const failed = await stack.identity.events.next('identity.login.failed', seen);
      expect(failed).toMatchObject({ reason: 'browser_mismatch', details: { purpose: 'account' } });
    }
    const noCookie = new Browser();
    const fresh = await atGitHub(await start(new Browser()));
    expect(errorPage(await callback(noCookie, fresh))).toMatchObject({ error: 'access_denied' });
  });

  test('answers temporarily_unavailable on a page when GitHub fails the code exchange', async () => {
    const browser = new Browser();
    const returned = await atGitHub(await start(browser));
    stack.emulator.configure({ faults: [{ path: '^/login/oauth/access_token$', status: 502, times: 1 }] });
    expect(errorPage(await callback(browser, returned))).toMatchObject({ error: 'temporarily_unavailable' });
  });

  test('leaves no session id, state, code or GitHub token in logs or events', async () => {
    const browser = new Browser();
    const started = await start(browser);
    const returned = await atGitHub(started);
    await callback(browser, returned);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const secrets = [
      started.setSession!.id,
      browser.sessionId,
      returned.state!,
      returned.code!,
      ...stack.emulator.state.tokens.list().map((issued) => issued.token),
    ];
    const everything = stack.identity.logs.text() + stack.identity.events.raw();
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});

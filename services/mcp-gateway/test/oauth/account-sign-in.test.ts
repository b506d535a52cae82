import { createHash, randomBytes } from 'node:crypto';
import { identity } from '@gatehouse/proto';
import { describe, expect, test } from '@gatehouse/testing';
import { gatewayWithAuthServices } from './auth-services.ts';
import { Browser } from './browser.ts';
import { withTestEventStream } from './event-stream.ts';

const REDIRECT_URI = 'http://127.0.0.1:7777/callback';
const COOKIE = 'gatehouse_session';

// "Sign in with GitHub" on /account, through the gateway in-process, the real token and identity
// services as processes, and GitHub emulated.
describe('signing in on the connected-apps page', () => {
  withTestEventStream();
  const stack = gatewayWithAuthServices();

  /** GET /account/sign-in: the 302 to GitHub, with the binding cookie set. */
  async function startSignIn(browser: Browser): Promise<URL> {
    const response = await browser.fetch(`${stack.publicUrl}/account/sign-in`);
    expect(response.status).toBe(302);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const github = new URL(response.headers.get('location')!);
    expect(github.origin + github.pathname).toBe(`${stack.services.emulator.url}/login/oauth/authorize`);
    return github;
  }

  /** The emulator approves and sends the browser to our callback; the callback URL, not yet fetched. */
  async function approvedAtGitHub(browser: Browser, github: URL): Promise<string> {
    const response = await browser.fetch(github.href);
    expect(response.status).toBe(302);
    const callback = response.headers.get('location')!;
    expect(callback.startsWith(`${stack.publicUrl}/oauth/callback/github?`)).toBe(true);
    return callback;
  }

  async function signIn(browser = new Browser()): Promise<Browser> {
    const callback = await approvedAtGitHub(browser, await startSignIn(browser));
    const back = await browser.fetch(callback);
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe(`${stack.publicUrl}/account`);
    return browser;
  }

  /** Connects an app the usual way (authorize → GitHub → consent → approve), storing a `repo` token. */
  async function connectAnApp(browser: Browser, name: string): Promise<void> {
    const registered = await fetch(`${stack.publicUrl}/oauth/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        redirect_uris: [REDIRECT_URI],
        token_endpoint_auth_method: 'none',
        client_name: name,
      }),
    });
    const { client_id: clientId } = await registered.json();
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL(`${stack.publicUrl}/oauth/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      scope: 'repos:read',
      state: 'st',
      resource: `${stack.publicUrl}/mcp`,
    }).toString();
    const { callback } = await browser.authorize(url.href, REDIRECT_URI);
    const tokens = await fetch(`${stack.publicUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code')!,
        code_verifier: verifier,
        client_id: clientId,
        redirect_uri: REDIRECT_URI,
      }).toString(),
    });
    expect(tokens.status).toBe(200);
  }

  const upstreamToken = async (browser: Browser) => {
    const { userId } = await stack.gateway.bus.request(identity.IdentityService.method.getSession, {
      sessionId: browser.cookie(stack.publicUrl, COOKIE)!,
    });
    return stack.gateway.bus.request(identity.IdentityService.method.getUpstreamToken, { userId });
  };

  test('signed out → Sign in with GitHub → GitHub → back on /account, signed in, with the apps listed', async () => {
    // Someone connected an app earlier, in another browser.
    await connectAnApp(new Browser(), 'Earlier app');

    const browser = new Browser();
    const signedOut = await browser.fetch(`${stack.publicUrl}/account`);
    expect(signedOut.status).toBe(200);
    expect(await signedOut.text()).toContain('<a class="button button-primary" href="/account/sign-in">');

    const github = await startSignIn(browser);
    expect(github.searchParams.get('scope')).toBe('');
    expect(github.searchParams.get('redirect_uri')).toBe(`${stack.publicUrl}/oauth/callback/github`);
    const bindingCookie = browser.cookie(stack.publicUrl, COOKIE);
    expect(bindingCookie).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const back = await browser.fetch(await approvedAtGitHub(browser, github));
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe(`${stack.publicUrl}/account`);
    expect(back.headers.get('set-cookie')).toMatch(
      /^gatehouse_session=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/,
    );
    expect(browser.cookie(stack.publicUrl, COOKIE)).not.toBe(bindingCookie);

    const account = await browser.fetch(`${stack.publicUrl}/account`);
    expect(account.status).toBe(200);
    const html = await account.text();
    expect(html).toContain('@octocat');
    expect(html).toContain('Earlier app');
    expect(html).toContain('Sign out');
  });

  test('keeps the GitHub token connected apps use: its scopes are unchanged and it still works', async () => {
    const connected = new Browser();
    await connectAnApp(connected, 'Tool user');
    const before = await upstreamToken(connected);
    expect(before.scopes).toEqual(['repo']);

    const after = await upstreamToken(await signIn());
    expect(after.accessToken).toBe(before.accessToken);
    expect(after.scopes).toEqual(['repo']);
    const repos = await fetch(`${stack.services.emulator.apiUrl}/user/repos`, {
      headers: { authorization: `Bearer ${after.accessToken}`, accept: 'application/vnd.github+json' },
    });
    expect(repos.status).toBe(200);
  });

  test('a browser already signed in is sent straight back to /account', async () => {
    const browser = await signIn();
    const again = await browser.fetch(`${stack.publicUrl}/account/sign-in`);
    expect(again.status).toBe(302);
    expect(again.headers.get('location')).toBe(`${stack.publicUrl}/account`);
    expect(again.headers.get('set-cookie')).toBeNull();
  });

  test('a malformed cookie is not forwarded: the browser gets a fresh one to bind the sign-in to', async () => {
    const browser = new Browser();
    browser.setCookie(stack.publicUrl, COOKIE, 'bad!');
    await startSignIn(browser);
    expect(browser.cookie(stack.publicUrl, COOKIE)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('refuses the callback carried to another browser (login CSRF) with a page, not a session', async () => {
    const attacker = new Browser();
    const callback = await approvedAtGitHub(attacker, await startSignIn(attacker));
    const victim = new Browser();
    victim.setCookie(stack.publicUrl, COOKIE, randomBytes(32).toString('base64url'));
    const refused = await victim.fetch(callback);
    expect(refused.status).toBe(400);
    expect(refused.headers.get('location')).toBeNull();
    expect(refused.headers.get('set-cookie')).toBeNull();
    expect(await refused.text()).toContain('This sign-in was started in another browser.');

    const other = new Browser();
    const withoutCookie = await new Browser().fetch(await approvedAtGitHub(other, await startSignIn(other)));
    expect(withoutCookie.status).toBe(400);
    expect(withoutCookie.headers.get('set-cookie')).toBeNull();
  });

  test('GitHub answering access_denied shows an error page and redirects nowhere', async () => {
    stack.services.emulator.configure({ autoApprove: null });
    try {
      const browser = new Browser();
      const github = await startSignIn(browser);
      const page = await (await browser.fetch(github.href)).text();
      const requestId = /name="request_id" value="([^"]+)"/.exec(page)?.[1];
      const cancelled = await browser.fetch(`${stack.services.emulator.url}/login/oauth/authorize`, {
        method: 'POST',
        body: new URLSearchParams({ request_id: requestId!, cancel: '1' }),
      });
      const callback = cancelled.headers.get('location')!;
      expect(new URL(callback).searchParams.get('error')).toBe('access_denied');

      const answered = await browser.fetch(callback);
      expect(answered.status).toBe(400);
      expect(answered.headers.get('location')).toBeNull();
      const html = await answered.text();
      expect(html).toContain('You cancelled signing in with GitHub.');
      expect(html).toContain('<code>access_denied</code>');
      expect(await (await browser.fetch(`${stack.publicUrl}/account`)).text()).toContain(
        'You are not signed in',
      );
    } finally {
      stack.services.emulator.configure({ autoApprove: 'octocat' });
    }
  });

  test('answers other methods with 405 and Allow: GET', async () => {
    const response = await fetch(`${stack.publicUrl}/account/sign-in`, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });

  test('no session id, state or code reaches the gateway log', async () => {
    const browser = new Browser();
    const github = await startSignIn(browser);
    const callback = new URL(await approvedAtGitHub(browser, github));
    await browser.fetch(callback.href);
    const text = stack.gateway.logs.text();
    for (const secret of [
      browser.cookie(stack.publicUrl, COOKIE)!,
      github.searchParams.get('state')!,
      callback.searchParams.get('code')!,
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});

// Attacks through the browser side of the flow: redirect_uri games, open redirects on error paths,
// state handling, CSRF on the consent and connected-apps forms, injected markup, framing.
import { describe, expect } from '@gatehouse/testing';
import { Browser, consentFormOf, pkce } from '../../bench/harness/oauth-client.ts';
import { proofTest } from '../../bench/harness/proof-test.ts';
import { decodePart } from './support/signing-key.ts';

/** The first test also starts the file's stack (five processes): slow on a busy 2-core machine. */
const STACK_START_TIMEOUT_MS = 60_000;

const test = proofTest({
  env: {
    RATE_LIMIT_REGISTER_PER_IP: 'off',
    RATE_LIMIT_AUTHORIZE_PER_IP: 'off',
    RATE_LIMIT_ACCOUNT_PER_IP: 'off',
  },
});
const REDIRECT = 'https://client.example.com/callback';
const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'><svg/onload=alert(3)>';

/** No redirect anywhere: an error page, because neither client nor redirect URI can be trusted. */
function expectErrorPageWithoutRedirect(outcome: {
  redirect?: URL;
  last: { status: number; headers: Headers };
}) {
  expect(outcome.redirect?.toString()).toBeUndefined();
  expect(outcome.last.status).toBe(400);
  expect(outcome.last.headers.get('location')).toBeNull();
  expect(outcome.last.headers.get('content-type')).toMatch(/text\/html/);
}

function expectNoInjectedMarkup(html: string) {
  expect(html).not.toMatch(/<script>alert|<img src=x|<svg\/onload|onerror=alert\(2\)>|href="javascript:/i);
}

function expectFramingRefused(headers: Headers) {
  expect(headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
  expect(headers.get('x-frame-options')).toMatch(/^(DENY|SAMEORIGIN)$/i);
}

describe('authorization endpoint attacks', () => {
  test('a redirect_uri that differs from the registered one in any way is refused without redirecting', {
    timeout: STACK_START_TIMEOUT_MS,
  }, async ({ stack }) => {
    const clientId = await stack.client.registerPublicClient({ redirect_uris: [REDIRECT] });
    const variants = [
      'https://client.example.com/callback/extra', // suffix
      'https://client.example.com/callbackx',
      'https://evil.client.example.com/callback', // subdomain
      'https://client.example.com.evil.example/callback',
      'http://client.example.com/callback', // scheme
      'https://client.example.com:8443/callback', // port
      'https://client.example.com/callback/../evil', // path traversal
      'https://client.example.com/evil/..%2Fcallback',
      'https://client.example.com/%63allback', // encoded characters
      'https://client.example.com/callback%2F..%2Fevil',
      'https://client.example.com/callback%00',
      'https://client.example.com/callback#fragment', // fragment
      'https://client.example.com@evil.example/callback', // userinfo
      'https://client.example.com/callback?next=https://evil.example',
      'HTTPS://CLIENT.EXAMPLE.COM/CALLBACK',
    ];
    for (const redirectUri of variants) {
      const outcome = await stack.client.authorize(new Browser(), {
        clientId,
        redirectUri,
        pkce: pkce(),
        state: 's',
      });
      expect.soft(outcome.redirect?.toString(), redirectUri).toBeUndefined();
      expect.soft(outcome.last.status, redirectUri).toBe(400);
      expect
        .soft(
          outcome.hops.some((hop) => hop.includes('/login/oauth/')),
          redirectUri,
        )
        .toBe(false);
    }
  });

  test('error paths never redirect for an unknown client, a missing client or an unknown redirect', async ({
    stack,
  }) => {
    const clientId = await stack.client.registerPublicClient();
    const cases = [
      { clientId: 'no-such-client', redirectUri: 'https://evil.example/cb' },
      { clientId: '', redirectUri: 'https://evil.example/cb' },
      { clientId, redirectUri: 'https://evil.example/cb' },
      { clientId, redirectUri: 'javascript:alert(1)' },
    ];
    for (const request of cases) {
      const outcome = await stack.client.authorize(new Browser(), { ...request, pkce: pkce(), state: 's' });
      expectErrorPageWithoutRedirect(outcome);
    }
    // A forged GitHub callback (unknown state) is an error page, not a redirect.
    const forged = await stack.client.follow(
      new Browser(),
      `${stack.publicUrl}/oauth/callback/github?code=abc&state=${encodeURIComponent('https://evil.example')}`,
    );
    expect(forged.redirect).toBeUndefined();
    expect(forged.last.status).toBeGreaterThanOrEqual(400);
    expect(forged.last.status).toBeLessThan(500);
  });

  test('state is echoed exactly when sent, absent when not, and the flow stays safe without it', async ({
    stack,
  }) => {
    const clientId = await stack.client.registerPublicClient();
    const browser = new Browser();
    const odd = 'a b&c=d/é?#x';
    const withState = await stack.client.obtainCode(browser, {
      clientId,
      redirectUri: REDIRECT,
      pkce: pkce(),
      state: odd,
    });
    expect(withState.redirect?.searchParams.get('state')).toBe(odd);
    expect(withState.redirect?.searchParams.get('iss')).toBe(stack.publicUrl);
    const without = await stack.client.obtainCode(browser, { clientId, redirectUri: REDIRECT, pkce: pkce() });
    expect(without.redirect?.searchParams.has('state')).toBe(false);
    expect(without.code).toEqual(expect.any(String));
    // PKCE still binds the code: without the verifier it is worthless.
    const stolen = await stack.client.token({
      grant_type: 'authorization_code',
      client_id: clientId,
      code: without.code!,
      redirect_uri: REDIRECT,
    });
    expect(stolen.status).toBe(400);
    expect(['invalid_request', 'invalid_grant']).toContain(stolen.json?.error);
  });

  test('consent is refused with a wrong CSRF token, from another site, or from another browser', async ({
    stack,
  }) => {
    const clientId = await stack.client.registerPublicClient();
    const victim = new Browser();
    const outcome = await stack.client.authorize(victim, {
      clientId,
      redirectUri: REDIRECT,
      pkce: pkce(),
      state: 's',
    });
    expect(outcome.consent).toBeDefined();
    const form = outcome.consent!;
    const forgedToken = await stack.client.decide(victim, { ...form, csrfToken: 'x'.repeat(43) }, 'approve');
    const crossSite = await stack.client.decide(victim, form, 'approve', {
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
    });
    const otherBrowser = await stack.client.decide(new Browser(), form, 'approve');
    for (const attempt of [forgedToken, crossSite, otherBrowser]) {
      expect(attempt.code).toBeUndefined();
      expect(attempt.last.status).toBeGreaterThanOrEqual(400);
      expect(attempt.last.status).toBeLessThan(500);
    }
  });

  test('revoking a grant on the connected-apps page is refused without the CSRF token or from another site', async ({
    stack,
  }) => {
    const browser = new Browser();
    const { tokens, clientId } = await stack.client.connect({ browser });
    const grantId = String(decodePart(tokens.access_token, 1).gid);
    const page = await browser.fetch(`${stack.publicUrl}/account`);
    expect(page.status).toBe(200);
    const csrfToken = consentFormOf(`name="pending_id" value="p" ${await page.text()}`)?.csrfToken;
    expect(csrfToken).toEqual(expect.any(String));
    const url = `${stack.publicUrl}/account/grants/${encodeURIComponent(grantId)}/revoke`;
    const form = 'application/x-www-form-urlencoded';
    const attempts = [
      await browser.fetch(url, { method: 'POST', headers: { 'content-type': form }, body: '' }),
      await browser.fetch(url, {
        method: 'POST',
        headers: { 'content-type': form, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
        body: new URLSearchParams({ csrf_token: csrfToken! }).toString(),
      }),
      await new Browser().fetch(url, {
        method: 'POST',
        headers: { 'content-type': form },
        body: new URLSearchParams({ csrf_token: csrfToken! }).toString(),
      }),
    ];
    for (const attempt of attempts) {
      expect(attempt.status).toBeGreaterThanOrEqual(400);
      expect(attempt.status).toBeLessThan(500);
    }
    // The grant survived every forged attempt.
    expect((await stack.client.refresh(clientId, tokens.refresh_token)).status).toBe(200);
  });

  test('markup in client_name, client_uri, scope and error strings is never rendered executable', async ({
    stack,
  }) => {
    const registered = await stack.client.register({ client_name: XSS, client_uri: 'javascript:alert(1)' });
    // Either the registration is refused as invalid metadata, or the page escapes everything.
    const named =
      registered.status === 201
        ? String(registered.json?.client_id)
        : await stack.client.registerPublicClient({ client_name: XSS });
    const consent = await stack.client.authorize(new Browser(), {
      clientId: named,
      redirectUri: REDIRECT,
      pkce: pkce(),
      state: 's',
    });
    expect(consent.last.status).toBe(200);
    expect(consent.last.text).toContain('&lt;script&gt;');
    expectNoInjectedMarkup(consent.last.text);
    expect(consent.last.headers.get('content-security-policy')).toMatch(/script-src|default-src/);
    expect(consent.last.headers.get('content-security-policy')).not.toMatch(
      /'unsafe-inline'[^;]*;?\s*$|script-src[^;]*'unsafe-inline'/,
    );

    const badScope = await stack.client.authorize(new Browser(), {
      clientId: named,
      redirectUri: REDIRECT,
      pkce: pkce(),
      scope: XSS,
    });
    expectNoInjectedMarkup(badScope.last.text);
    // Sent back to the registered redirect URI; RFC 6749 §4.1.2.1 limits error_description to
    // %x20-21 / %x23-5B / %x5D-7E, so the client's own page is what must escape it.
    expect(badScope.redirect?.searchParams.get('error')).toBe('invalid_scope');
    expect(badScope.redirect?.searchParams.get('error_description') ?? '').toMatch(
      /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/,
    );

    const badClient = await stack.client.authorize(new Browser(), {
      clientId: XSS,
      redirectUri: `https://x.example/${XSS}`,
      pkce: pkce(),
      state: XSS,
    });
    expect(badClient.last.status).toBe(400);
    expectNoInjectedMarkup(badClient.last.text);
  });

  test('pages refuse to be framed (clickjacking) and carry a CSP', async ({ stack }) => {
    const clientId = await stack.client.registerPublicClient();
    const consent = await stack.client.authorize(new Browser(), {
      clientId,
      redirectUri: REDIRECT,
      pkce: pkce(),
    });
    expect(consent.consent).toBeDefined();
    expectFramingRefused(consent.last.headers);
    const error = await stack.client.authorize(new Browser(), {
      clientId: 'nope',
      redirectUri: REDIRECT,
      pkce: pkce(),
    });
    expectFramingRefused(error.last.headers);
    const token = await fetch(`${stack.publicUrl}/oauth/token`, { method: 'POST' });
    expect(token.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
  });
});

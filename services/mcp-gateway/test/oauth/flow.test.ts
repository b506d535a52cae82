import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, test } from '@gatehouse/testing';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { gatewayWithAuthServices } from './auth-services.ts';
import { Browser, hiddenField } from './browser.ts';
import { withTestEventStream } from './event-stream.ts';

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const REDIRECT_URI = 'http://127.0.0.1:7777/callback';

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

// The gateway in-process, the real token and identity services as processes, GitHub emulated.
describe('the OAuth flow through the gateway', () => {
  withTestEventStream();
  const stack = gatewayWithAuthServices();

  async function register(metadata: Record<string, unknown>) {
    const response = await fetch(`${stack.publicUrl}/oauth/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        redirect_uris: [REDIRECT_URI],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        ...metadata,
      }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as Record<string, unknown> & { client_id: string };
  }

  function authorizationUrl(clientId: string, challenge: string, extra: Record<string, string> = {}) {
    const url = new URL(`${stack.publicUrl}/oauth/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      scope: 'repos:read issues:read',
      state: 'state-123',
      resource: `${stack.publicUrl}/mcp`,
      ...extra,
    }).toString();
    return url.href;
  }

  const token = (body: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${stack.publicUrl}/oauth/token`, {
      method: 'POST',
      headers: { ...FORM, ...headers },
      body: new URLSearchParams(body).toString(),
    });

  /** Registers a public client and runs the flow to a code; returns what the test needs next. */
  async function authorizedClient(browser = new Browser(), metadata: Record<string, unknown> = {}) {
    const client = await register({ client_name: 'Flow test client', ...metadata });
    const { verifier, challenge } = pkce();
    const { callback, consent } = await browser.authorize(
      authorizationUrl(client.client_id, challenge),
      REDIRECT_URI,
    );
    return { client, verifier, callback, consent, browser };
  }

  test('registers a client (RFC 7591 §3.2.1 response) and manages it with its registration access token (RFC 7592)', async () => {
    const client = await register({
      client_name: 'Managed',
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(client).toMatchObject({
      client_id: expect.any(String),
      client_secret: expect.any(String),
      client_secret_expires_at: 0,
      client_id_issued_at: expect.any(Number),
      registration_access_token: expect.any(String),
      registration_client_uri: `${stack.publicUrl}/oauth/register/${client.client_id}`,
      redirect_uris: [REDIRECT_URI],
      client_name: 'Managed',
      token_endpoint_auth_method: 'client_secret_basic',
    });
    const bearer = { Authorization: `Bearer ${client.registration_access_token}` };
    const read = await fetch(client.registration_client_uri as string, { headers: bearer });
    expect(read.status).toBe(200);
    expect(read.headers.get('cache-control')).toBe('no-store');
    expect(await read.json()).toMatchObject({ client_id: client.client_id, client_name: 'Managed' });

    const wrong = await fetch(client.registration_client_uri as string, {
      headers: { Authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="gatehouse", error="invalid_token"');
    expect((await wrong.json()).error).toBe('invalid_token');

    const updated = await fetch(client.registration_client_uri as string, {
      method: 'PUT',
      headers: { ...bearer, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        client_id: client.client_id,
        redirect_uris: [REDIRECT_URI],
        client_name: 'Renamed',
        token_endpoint_auth_method: 'client_secret_basic',
      }),
    });
    expect(updated.status).toBe(200);
    expect((await updated.json()).client_name).toBe('Renamed');

    const deleted = await fetch(client.registration_client_uri as string, {
      method: 'DELETE',
      headers: bearer,
    });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
  });

  test('runs authorize → GitHub → callback → consent → code → tokens for a public client', async () => {
    const { client, verifier, callback, consent, browser } = await authorizedClient();
    expect(consent?.html).toContain('Flow test client');
    expect(consent?.html).toContain('See your repositories');
    expect(consent?.html).toContain('@octocat');
    // The session cookie is set on the way back from GitHub.
    const setCookie = browser.visits.find((visit) => visit.url.includes('/oauth/callback/github'));
    expect(setCookie).toBeDefined();
    expect(browser.cookie(stack.publicUrl, 'gatehouse_session')).toMatch(/^[A-Za-z0-9_-]{16,}$/);

    expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
    expect(callback.searchParams.get('state')).toBe('state-123');
    expect(callback.searchParams.get('iss')).toBe(stack.publicUrl);
    const code = callback.searchParams.get('code')!;

    const response = await token({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
      resource: `${stack.publicUrl}/mcp`,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    const tokens = await response.json();
    expect(Object.keys(tokens).sort()).toEqual([
      'access_token',
      'expires_in',
      'refresh_token',
      'scope',
      'token_type',
    ]);
    expect(tokens.token_type).toBe('Bearer');

    const jwks = createRemoteJWKSet(new URL(`${stack.publicUrl}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: stack.publicUrl,
      audience: `${stack.publicUrl}/mcp`,
      typ: 'at+jwt',
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload.client_id).toBe(client.client_id);

    // The code is single-use: a replay is an invalid_grant, exactly shaped.
    const replay = await token({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
    });
    expect(replay.status).toBe(400);
    const body = await replay.json();
    expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
    expect(body.error).toBe('invalid_grant');
  });

  test('renders a hostile client_name inert on the real consent page', async () => {
    const client = await register({ client_name: '<script>alert(1)</script>' });
    const browser = new Browser();
    const page = await browser.navigate(authorizationUrl(client.client_id, pkce().challenge), REDIRECT_URI);
    expect(page.kind).toBe('page');
    if (page.kind !== 'page') return;
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.html).not.toContain('<script>alert(1)');
    expect(page.response.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
  });

  test('a denial sends the client access_denied with state and iss', async () => {
    const client = await register({});
    const { callback } = await new Browser().authorize(
      authorizationUrl(client.client_id, pkce().challenge),
      REDIRECT_URI,
      'deny',
    );
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe('state-123');
    expect(callback.searchParams.get('iss')).toBe(stack.publicUrl);
    expect(callback.searchParams.get('code')).toBeNull();
  });

  test('a failed Basic authentication is a 401 with a Basic challenge (RFC 6749 §5.2)', async () => {
    const client = await register({ token_endpoint_auth_method: 'client_secret_basic' });
    const basic = Buffer.from(`${encodeURIComponent(client.client_id)}:wrong-secret`).toString('base64');
    const response = await token(
      { grant_type: 'refresh_token', refresh_token: 'x' },
      { Authorization: `Basic ${basic}` },
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="gatehouse"');
    expect((await response.json()).error).toBe('invalid_client');
  });

  test('refreshes, revokes (200, empty body) and introspects through the gateway', async () => {
    const confidential = { token_endpoint_auth_method: 'client_secret_basic' };
    const { client, verifier, callback } = await authorizedClient(new Browser(), confidential);
    const basic = {
      Authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(String(client.client_secret))}`).toString('base64')}`,
    };
    const issued = await (
      await token(
        {
          grant_type: 'authorization_code',
          code: callback.searchParams.get('code')!,
          code_verifier: verifier,
          redirect_uri: REDIRECT_URI,
        },
        basic,
      )
    ).json();
    const refreshed = await token(
      { grant_type: 'refresh_token', refresh_token: issued.refresh_token },
      basic,
    );
    expect(refreshed.status).toBe(200);
    const pair = await refreshed.json();
    expect(pair.refresh_token).not.toBe(issued.refresh_token);

    const introspect = (value: string) =>
      fetch(`${stack.publicUrl}/oauth/introspect`, {
        method: 'POST',
        headers: { ...FORM, ...basic },
        body: `token=${value}`,
      });
    const active = await (await introspect(pair.access_token)).json();
    expect(active).toMatchObject({
      active: true,
      client_id: client.client_id,
      scope: 'repos:read issues:read',
    });
    expect(typeof active.exp).toBe('number');

    const revoked = await fetch(`${stack.publicUrl}/oauth/revoke`, {
      method: 'POST',
      headers: { ...FORM, ...basic },
      body: `token=${pair.refresh_token}&token_type_hint=refresh_token`,
    });
    expect(revoked.status).toBe(200);
    expect(await revoked.text()).toBe('');
    expect(await (await introspect(pair.access_token)).json()).toEqual({ active: false });
    const after = await token({ grant_type: 'refresh_token', refresh_token: pair.refresh_token }, basic);
    expect((await after.json()).error).toBe('invalid_grant');
  });

  test('serves the token service JWKS, cacheable', async () => {
    const response = await fetch(`${stack.publicUrl}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const { keys } = await response.json();
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', kid: expect.any(String) });
      expect(key.d).toBeUndefined();
    }
  });

  describe('connected apps', () => {
    test('lists the grant, refuses a revoke with a wrong CSRF token, revokes with the right one', async () => {
      const { client, verifier, callback, browser } = await authorizedClient(new Browser(), {
        client_name: 'Listed app',
      });
      const tokens = await (
        await token({
          grant_type: 'authorization_code',
          code: callback.searchParams.get('code')!,
          code_verifier: verifier,
          client_id: client.client_id,
          redirect_uri: REDIRECT_URI,
        })
      ).json();

      const account = await browser.fetch(`${stack.publicUrl}/account`);
      expect(account.status).toBe(200);
      const html = await account.text();
      expect(html).toContain('Listed app');
      expect(html).toContain('Returns to 127.0.0.1');
      expect(html).toContain('Read issues and pull requests');
      const csrf = hiddenField(html, 'csrf_token');
      const action = /action="(\/account\/grants\/[^"]+\/revoke)"/.exec(html)?.[1];
      expect(action).toBeDefined();

      const post = (body: string, headers: Record<string, string> = {}) =>
        browser.fetch(`${stack.publicUrl}${action}`, {
          method: 'POST',
          headers: { ...FORM, ...headers },
          body,
        });
      const forged = await post(`csrf_token=${encodeURIComponent(`${csrf}x`)}`);
      expect(forged.status).toBe(403);
      expect(await forged.text()).toContain('The form has expired; reload the page and try again.');
      expect(await (await browser.fetch(`${stack.publicUrl}/account`)).text()).toContain('Listed app');

      const done = await post(`csrf_token=${encodeURIComponent(csrf)}`, { 'Sec-Fetch-Site': 'same-origin' });
      expect(done.status).toBe(303);
      expect(done.headers.get('location')).toBe('/account?notice=revoked');
      const after = await (await browser.fetch(`${stack.publicUrl}/account?notice=revoked`)).text();
      expect(after).toContain('Access revoked.');
      expect(after).not.toContain('Listed app');
      const refresh = await token({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: client.client_id,
      });
      expect((await refresh.json()).error).toBe('invalid_grant');
    });

    test('signs out: the session ends and the cookie is cleared', async () => {
      const { browser } = await authorizedClient();
      const html = await (await browser.fetch(`${stack.publicUrl}/account`)).text();
      const csrf = hiddenField(html, 'csrf_token');
      const sessionId = browser.cookie(stack.publicUrl, 'gatehouse_session');
      const response = await browser.fetch(`${stack.publicUrl}/account/logout`, {
        method: 'POST',
        headers: FORM,
        body: `csrf_token=${encodeURIComponent(csrf)}`,
      });
      expect(response.status).toBe(303);
      expect(response.headers.get('set-cookie')).toMatch(
        /^gatehouse_session=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/,
      );
      expect(browser.cookie(stack.publicUrl, 'gatehouse_session')).toBeUndefined();
      // The old session id is dead at identity too, not just forgotten by this browser.
      browser.setCookie(stack.publicUrl, 'gatehouse_session', sessionId!);
      expect(await (await browser.fetch(`${stack.publicUrl}/account`)).text()).toContain(
        'You are not signed in',
      );
    });
  });

  test('no token, code or session id reaches the gateway log', async () => {
    const { client, verifier, callback, browser } = await authorizedClient();
    const tokens = await (
      await token({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code')!,
        code_verifier: verifier,
        client_id: client.client_id,
        redirect_uri: REDIRECT_URI,
      })
    ).json();
    const text = stack.gateway.logs.text();
    for (const secret of [
      callback.searchParams.get('code')!,
      verifier,
      tokens.access_token,
      tokens.refresh_token,
      browser.cookie(stack.publicUrl, 'gatehouse_session')!,
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});

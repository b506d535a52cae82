import { describe, expect, test } from '@gatehouse/testing';
import { withTestEventStream } from './event-stream.ts';
import { startGateway, type TestGateway } from './test-gateway.ts';

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

// Identity and token are not running in this file: these are the checks the gateway makes itself.
describe('browser pages', () => {
  withTestEventStream();
  let gateway: TestGateway;
  test.beforeAll(async ({ infrastructure, isolation }) => {
    gateway = await startGateway(infrastructure, isolation);
  });
  test.afterAll(() => gateway.close());

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}${path}`, { headers, redirect: 'manual' });
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { ...FORM, ...headers },
      body,
      redirect: 'manual',
    });

  function expectPageHeaders(response: Response) {
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  }

  test('refuses a repeated authorization parameter with an error page, not a redirect', async () => {
    const response = await get(
      '/oauth/authorize?response_type=code&client_id=c&scope=repos:read&scope=issues:write&redirect_uri=https://evil.example/cb',
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expectPageHeaders(response);
    const html = await response.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('The &quot;scope&quot; parameter is repeated.');
    expect(html).toContain('<code>invalid_request</code>');
  });

  test.each(['/oauth/authorize?response_type=code&client_id=c', '/oauth/callback/github?code=abc&state=xyz'])(
    'shows a 503 page with Retry-After when identity is not running: %s',
    async (path) => {
      const response = await get(path);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expectPageHeaders(response);
      expect(await response.text()).toContain('Gatehouse is temporarily unavailable');
    },
  );

  test('answers POST /oauth/authorize with 405 and Allow', async () => {
    const response = await post('/oauth/authorize', 'response_type=code');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expectPageHeaders(response);
  });

  describe('POST /oauth/consent', () => {
    test.each([
      [{ 'Sec-Fetch-Site': 'cross-site' }],
      [{ 'Sec-Fetch-Site': 'same-site' }],
      [{ Origin: 'https://evil.example' }],
    ])('refuses a form sent from another site (%o)', async (headers) => {
      const response = await post('/oauth/consent', 'pending_id=p&csrf_token=t&decision=approve', headers);
      expect(response.status).toBe(403);
      expectPageHeaders(response);
      expect(await response.text()).toContain('This form was sent from another site.');
    });

    test('accepts Origin: null, which browsers send under Referrer-Policy: no-referrer', async () => {
      const response = await post('/oauth/consent', 'pending_id=p&csrf_token=t&decision=approve', {
        Origin: 'null',
        'Sec-Fetch-Site': 'same-origin',
      });
      expect(response.status).toBe(503);
    });

    test.each([
      [
        'csrf_token=t&decision=approve',
        'The consent form is incomplete. Start connecting again from the app.',
      ],
      [
        'pending_id=p&decision=approve',
        'The consent form is incomplete. Start connecting again from the app.',
      ],
      ['pending_id=p&csrf_token=t&decision=maybe', 'The decision must be approve or deny.'],
      [
        'pending_id=p&csrf_token=t&decision=approve&decision=deny',
        'The &quot;decision&quot; parameter is repeated.',
      ],
    ])('refuses the form %s', async (body, message) => {
      const response = await post('/oauth/consent', body);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain(message);
    });
  });

  describe('connected apps', () => {
    test('shows the signed-out page to a browser without a session, without asking identity', async () => {
      const response = await get('/account');
      expect(response.status).toBe(200);
      expectPageHeaders(response);
      const html = await response.text();
      expect(html).toContain('You are not signed in to Gatehouse in this browser.');
      expect(response.headers.get('set-cookie')).toBeNull();
    });

    test('a malformed session cookie is ignored, not forwarded', async () => {
      const response = await get('/account', { Cookie: '__Host-gatehouse_session=<script>' });
      expect(response.status).toBe(200);
    });

    test.each([
      ['/account/grants/g1/revoke', ''],
      ['/account/grants/g1/revoke', 'csrf_token='],
      ['/account/logout', ''],
    ])('POST %s without a CSRF token is refused with 403', async (path, body) => {
      const response = await post(path, body, {
        Cookie: '__Host-gatehouse_session=abcdefghijklmnopqrstuvwxyz012345',
      });
      expect(response.status).toBe(403);
      expectPageHeaders(response);
      const html = await response.text();
      expect(html).toContain('The form is missing its CSRF token.');
      expect(html).toContain('Request refused');
    });

    test('POST a revoke with a CSRF token but no session is refused with 403', async () => {
      const response = await post('/account/grants/g1/revoke', 'csrf_token=guess');
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('Your session has ended; sign in again.');
    });

    test('POST a revoke from another site is refused before anything else', async () => {
      const response = await post('/account/grants/g1/revoke', 'csrf_token=t', {
        'Sec-Fetch-Site': 'cross-site',
      });
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('This form was sent from another site.');
    });

    test('a malformed grant id is a 404 page', async () => {
      const response = await post('/account/grants/..%2F..%2Fetc/revoke', 'csrf_token=t');
      expect(response.status).toBe(404);
      expect(await response.text()).toContain('No such connected app.');
    });
  });

  test('serves the home page and the stylesheet the pages link to', async () => {
    const home = await get('/');
    expect(home.status).toBe(200);
    expectPageHeaders(home);
    const html = await home.text();
    expect(html).toContain('https://gatehouse.test/mcp');
    expect(html).toContain('<link rel="stylesheet" href="/assets/gatehouse.css">');
    const css = await get('/assets/gatehouse.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('prefers-color-scheme: dark');
  });
});

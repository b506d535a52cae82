import { describe, expect, test } from '@gatehouse/testing';
import { withTestEventStream } from './event-stream.ts';
import { startGateway, type TestGateway } from './test-gateway.ts';

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'Content-Type': 'application/json' };

// The token service is not running in this file: every request that passes the gateway's own
// checks reaches the bus and finds no responder.
describe('client endpoints (token, revoke, introspect, register)', () => {
  withTestEventStream();
  let gateway: TestGateway;
  test.beforeAll(async ({ infrastructure, isolation }) => {
    gateway = await startGateway(infrastructure, isolation, {
      CORS_ALLOWED_ORIGINS: 'http://localhost:6274',
    });
  });
  test.afterAll(() => gateway.close());

  const post = (path: string, body: string, headers: Record<string, string> = FORM) =>
    fetch(`${gateway.url}${path}`, { method: 'POST', headers, body });

  async function expectOauthError(response: Response, status: number, body: object) {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    // Nothing here is cached, so nothing is hashed for an ETag either.
    expect(response.headers.get('etag')).toBeNull();
    expect(await response.json()).toEqual(body);
  }

  describe.each(['/oauth/token', '/oauth/revoke', '/oauth/introspect'])('%s', (path) => {
    test('refuses a body that is not form-encoded', async () => {
      await expectOauthError(await post(path, '{"grant_type":"authorization_code"}', JSON_TYPE), 400, {
        error: 'invalid_request',
        error_description: 'The request body must be application/x-www-form-urlencoded.',
      });
    });

    test('refuses a repeated parameter (RFC 6749 §3.2)', async () => {
      await expectOauthError(await post(path, 'token=a&client_id=x&token=b'), 400, {
        error: 'invalid_request',
        error_description: 'The "token" parameter is repeated.',
      });
    });

    test('treats an empty parameter as omitted, not as a repeat (RFC 6749 §3.1)', async () => {
      const response = await post(path, 'token=&client_id=x&token=b');
      expect(response.status).toBe(503);
    });

    test('refuses a body over the size limit', async () => {
      await expectOauthError(await post(path, `token=${'a'.repeat(20_000)}`), 413, {
        error: 'invalid_request',
        error_description: 'The request body is too large.',
      });
    });

    test('answers another method with 405 and Allow', async () => {
      const response = await fetch(`${gateway.url}${path}`);
      expect(response.headers.get('allow')).toBe('POST');
      await expectOauthError(response, 405, {
        error: 'invalid_request',
        error_description: 'Use POST on this endpoint.',
      });
    });

    test('answers 503 with Retry-After when the token service is not running', async () => {
      const started = Date.now();
      const response = await post(path, 'grant_type=refresh_token&refresh_token=r&client_id=c&token=t');
      expect(response.headers.get('retry-after')).toBe('5');
      await expectOauthError(response, 503, {
        error: 'temporarily_unavailable',
        error_description: 'The service is not available right now.',
      });
      // NATS answers "no responders" at once: the client is not kept waiting for the deadline.
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    test('allows a configured browser origin, and no other (CORS)', async () => {
      const allowed = await post(path, 'token=t', { ...FORM, Origin: 'http://localhost:6274' });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:6274');
      expect(allowed.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate');
      expect(allowed.headers.get('vary')).toMatch(/Origin/);
      const other = await post(path, 'token=t', { ...FORM, Origin: 'https://evil.example' });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();

      const preflight = await fetch(`${gateway.url}${path}`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'http://localhost:6274',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization, content-type',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')).toBe(
        'Authorization,Content-Type,MCP-Protocol-Version',
      );
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    });
  });

  describe('/oauth/register', () => {
    test('refuses a body that is not JSON with invalid_request', async () => {
      await expectOauthError(await post('/oauth/register', 'redirect_uris=https://a.example/cb'), 400, {
        error: 'invalid_request',
        error_description: 'The request body must be application/json.',
      });
    });

    test.each([
      ['{not json', 'invalid_client_metadata', 'The request body is not valid JSON.'],
      ['["https://a.example/cb"]', 'invalid_client_metadata', 'The request body must be a JSON object.'],
      [
        '{"redirect_uris":"https://a.example/cb"}',
        'invalid_redirect_uri',
        'redirect_uris must be an array of strings.',
      ],
      ['{"redirect_uris":[1]}', 'invalid_redirect_uri', 'redirect_uris must be an array of strings.'],
      [
        '{"redirect_uris":["https://a.example/cb"],"client_name":42}',
        'invalid_client_metadata',
        'client_name must be a string.',
      ],
      [
        '{"redirect_uris":["https://a.example/cb"],"grant_types":"authorization_code"}',
        'invalid_client_metadata',
        'grant_types must be an array of strings.',
      ],
      [
        '{"redirect_uris":["https://a.example/cb"],"jwks":{"kty":"EC"}}',
        'invalid_client_metadata',
        'jwks must be a JWK Set: an object with a keys array.',
      ],
    ])('refuses %s with %s', async (body, error, description) => {
      await expectOauthError(await post('/oauth/register', body, JSON_TYPE), 400, {
        error,
        error_description: description,
      });
    });

    test('passes well-typed metadata on (503 here: the token service is down)', async () => {
      const body = JSON.stringify({
        redirect_uris: ['https://a.example/cb'],
        client_name: 'A',
        unknown_field: { ignored: true },
        logo_uri: null,
      });
      const response = await post('/oauth/register', body, JSON_TYPE);
      expect(response.status).toBe(503);
    });

    test.each([
      ['GET', undefined],
      ['PUT', '{"client_id":"c1","redirect_uris":["https://a.example/cb"]}'],
      ['DELETE', undefined],
    ])(
      '%s /oauth/register/:client_id without a registration access token is a 401 with a Bearer challenge',
      async (method, body) => {
        const response = await fetch(`${gateway.url}/oauth/register/c1`, {
          method,
          headers: JSON_TYPE,
          ...(body ? { body } : {}),
        });
        expect(response.headers.get('www-authenticate')).toBe(
          'Bearer realm="gatehouse", error="invalid_token"',
        );
        await expectOauthError(response, 401, {
          error: 'invalid_token',
          error_description: 'A registration access token is required (Authorization: Bearer).',
        });
      },
    );
  });

  test('JSON responses carry the security headers', async () => {
    const response = await post('/oauth/token', 'a=1&a=2');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  test('no secret sent to an endpoint reaches the log', async () => {
    const secrets = [
      's3cr3t-client-secret',
      'c0de-value-123',
      'verifier-abcdefghijklmnopqrstuvwxyz0123456789',
    ];
    await post(
      '/oauth/token',
      `grant_type=authorization_code&code=${secrets[1]}&code_verifier=${secrets[2]}&client_id=c&client_secret=${secrets[0]}`,
    );
    await post('/oauth/token', `code=${secrets[1]}&code=${secrets[1]}`);
    await fetch(`${gateway.url}/oauth/token`, {
      method: 'POST',
      headers: { ...FORM, Authorization: `Basic ${Buffer.from(`c:${secrets[0]}`).toString('base64')}` },
      body: 'grant_type=refresh_token&refresh_token=r',
    });
    const text = gateway.logs.text();
    expect(text).toContain('dependency unavailable');
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain(Buffer.from(`c:${secrets[0]}`).toString('base64'));
  });
});

// fast-check generators of malformed requests for every public endpoint of the gateway.
import fc from 'fast-check';

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** What the answer must look like: an OAuth JSON error, a JSON-RPC message, or just not a 5xx. */
  kind: 'oauth' | 'jsonrpc' | 'page' | 'metadata';
}

const OAUTH_PARAMETERS = [
  'grant_type',
  'code',
  'redirect_uri',
  'client_id',
  'client_secret',
  'code_verifier',
  'refresh_token',
  'scope',
  'resource',
  'token',
  'token_type_hint',
  'client_assertion',
  'client_assertion_type',
  'response_type',
  'state',
  'code_challenge',
  'code_challenge_method',
  'pending_id',
  'csrf_token',
  'decision',
];

const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    'authorization_code',
    'refresh_token',
    'client_credentials',
    'S256',
    'plain',
    'approve',
    '%zz',
    '%',
    '%00',
    '\u0000',
    '../../etc/passwd',
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    'https://127.0.0.1:1/client.json',
    'https://169.254.169.254/latest',
    'javascript:alert(1)',
    '\uD800',
    '🦄'.repeat(50),
    'a'.repeat(5_000),
    '{"a":',
    'null',
  ),
);

/** Percent-encodes, after replacing lone surrogates (encodeURIComponent throws on them). */
const encode = (value: string) => encodeURIComponent(value.toWellFormed());
/** Leaves the text raw (bad escapes, separators) but makes it legal in a request line. */
const raw = (value: string) =>
  value.toWellFormed().replace(/[^\x21-\x7e]|#/gu, (character) => encodeURIComponent(character));

/** key=value pairs, raw: duplicates, bad percent-escapes and odd separators included. */
const rawForm = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...OAUTH_PARAMETERS), fc.string({ maxLength: 10 })), nasty), {
    maxLength: 12,
  })
  .chain((pairs) =>
    fc.oneof(
      fc.constant(pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')),
      fc.constant(pairs.map(([k, v]) => `${raw(k)}=${raw(v)}`).join('&')),
      fc.constant([...pairs, ...pairs].map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')),
      fc.constant(pairs.map(([k, v]) => `${raw(k)};${raw(v)}`).join('&&')),
    ),
  );

const json = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  fc.constantFrom(
    '{',
    '[]',
    '{"redirect_uris":"x"}',
    '{"redirect_uris":[1,2]}',
    '"\\ud800"',
    '{"__proto__":{"x":1}}',
  ),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

const jsonRpc = fc.oneof(
  fc
    .record(
      {
        jsonrpc: fc.oneof(fc.constant('2.0'), fc.constantFrom('1.0', 2, null)),
        id: fc.oneof(
          fc.integer(),
          fc.string({ maxLength: 10 }),
          fc.constant(null),
          fc.object({ maxDepth: 1 }),
        ),
        method: fc.oneof(
          fc.constantFrom(
            'initialize',
            'tools/list',
            'tools/call',
            'resources/list',
            'resources/read',
            'ping',
            'notifications/initialized',
          ),
          fc.string({ maxLength: 20 }),
        ),
        params: fc.oneof(
          fc.record(
            {
              name: fc.oneof(
                fc.constantFrom(
                  'list_repositories',
                  'get_repository',
                  'list_issues',
                  'search_issues',
                  'create_issue',
                  'whoami',
                ),
                fc.string({ maxLength: 20 }),
              ),
              arguments: fc.oneof(fc.object({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 })),
              uri: fc.string({ maxLength: 30 }),
            },
            { requiredKeys: [] },
          ),
          fc.jsonValue({ maxDepth: 2 }),
        ),
      },
      { requiredKeys: [] },
    )
    .map((message) => JSON.stringify(message)),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }).map((batch) => JSON.stringify(batch)),
  json,
);

const contentType = fc.constantFrom(
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'application/x-www-form-urlencoded; charset=latin1',
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/xml',
  '',
  'a/b; c',
);

const oversized = fc.constantFrom(20_000, 200_000, 2_000_000).map((size) => `a=${'x'.repeat(size)}`);

const bodyFor = (kind: 'form' | 'json' | 'jsonrpc') =>
  fc.oneof(
    { weight: 6, arbitrary: kind === 'form' ? rawForm : kind === 'json' ? json : jsonRpc },
    { weight: 1, arbitrary: kind === 'form' ? json : rawForm },
    { weight: 1, arbitrary: oversized },
  );

export function fuzzRequest(bearer: string): fc.Arbitrary<FuzzRequest> {
  const post = (path: string, kind: FuzzRequest['kind'], body: 'form' | 'json' | 'jsonrpc', ct: string) =>
    fc
      .tuple(
        bodyFor(body),
        fc.oneof({ weight: 4, arbitrary: fc.constant(ct) }, { weight: 1, arbitrary: contentType }),
      )
      .map(
        ([payload, type]): FuzzRequest => ({
          method: 'POST',
          path,
          kind,
          headers: type ? { 'content-type': type } : {},
          body: payload,
        }),
      );
  const get = (path: string, kind: FuzzRequest['kind']) =>
    rawForm.map((query): FuzzRequest => ({ method: 'GET', path: `${path}?${query}`, kind, headers: {} }));
  const mcp = fc
    .tuple(
      jsonRpc,
      fc.constantFrom(
        `Bearer ${bearer}`,
        `Bearer ${bearer}`,
        'Bearer ',
        'Bearer a.b.c',
        `bearer ${bearer}x`,
        'Basic Zm9vOmJhcg==',
        `Bearer ${bearer}, Bearer ${bearer}`,
        '',
      ),
      fc.constantFrom('application/json, text/event-stream', 'application/json', 'text/html', '*/*', ''),
      fc.constantFrom('POST', 'POST', 'POST', 'GET', 'DELETE', 'PUT'),
    )
    .map(
      ([body, authorization, accept, method]): FuzzRequest => ({
        method,
        path: '/mcp',
        kind: 'jsonrpc',
        headers: {
          'content-type': 'application/json',
          ...(authorization ? { authorization } : {}),
          ...(accept ? { accept } : {}),
          'mcp-protocol-version': '2025-06-18',
        },
        body: method === 'GET' || method === 'DELETE' ? undefined : body,
      }),
    );
  const registration = fc
    .tuple(
      fc.constantFrom('GET', 'PUT', 'DELETE'),
      fc.string({ maxLength: 60 }),
      json,
      fc.string({ maxLength: 40 }),
    )
    .map(
      ([method, id, body, token]): FuzzRequest => ({
        method,
        path: `/oauth/register/${encode(id) || 'x'}`,
        kind: 'oauth',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token.replace(/[^\x21-\x7e]/g, '')}`,
        },
        body: method === 'PUT' ? body : undefined,
      }),
    );
  return fc.oneof(
    { weight: 4, arbitrary: post('/oauth/token', 'oauth', 'form', 'application/x-www-form-urlencoded') },
    { weight: 2, arbitrary: post('/oauth/revoke', 'oauth', 'form', 'application/x-www-form-urlencoded') },
    { weight: 2, arbitrary: post('/oauth/introspect', 'oauth', 'form', 'application/x-www-form-urlencoded') },
    { weight: 3, arbitrary: post('/oauth/register', 'oauth', 'json', 'application/json') },
    { weight: 1, arbitrary: registration },
    { weight: 2, arbitrary: post('/oauth/consent', 'page', 'form', 'application/x-www-form-urlencoded') },
    { weight: 3, arbitrary: get('/oauth/authorize', 'page') },
    { weight: 1, arbitrary: get('/oauth/callback/github', 'page') },
    { weight: 1, arbitrary: get('/account', 'page') },
    { weight: 1, arbitrary: get('/admin/audit/events', 'oauth') },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          '/.well-known/oauth-protected-resource',
          '/.well-known/oauth-protected-resource/mcp',
          '/.well-known/oauth-authorization-server',
          '/.well-known/openid-configuration',
          '/.well-known/jwks.json',
        )
        .chain((path) => get(path, 'metadata')),
    },
    { weight: 5, arbitrary: mcp },
  );
}

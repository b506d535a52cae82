// An OAuth 2.1 client and its user's browser, driven over HTTP against the gateway: dynamic
// registration, the authorization-code flow with PKCE through the GitHub emulator's auto-approve
// and the consent page, and the token endpoint. Every step is also exposed on its own so attack
// tests can deviate from the happy path at any point.
import { createHash, randomBytes } from 'node:crypto';

export interface Pkce {
  verifier: string;
  challenge: string;
}

export function pkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface TokenSet {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined. */
  json: Record<string, unknown> | undefined;
}

export async function answer(response: Response): Promise<HttpAnswer> {
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A cookie jar for one browser: name → value, from Set-Cookie headers. */
export class Browser {
  readonly cookies = new Map<string, string>();

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** One request, no redirect following; remembers cookies. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0 && !headers.has('cookie')) headers.set('cookie', this.cookieHeader());
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const separator = pair.indexOf('=');
      if (separator > 0) this.cookies.set(pair.slice(0, separator).trim(), pair.slice(separator + 1).trim());
    }
    return response;
  }
}

export interface ConsentForm {
  pendingId: string;
  csrfToken: string;
}

export function consentFormOf(html: string): ConsentForm | undefined {
  const pendingId = /name="pending_id" value="([^"]*)"/.exec(html)?.[1];
  const csrfToken = /name="csrf_token" value="([^"]*)"/.exec(html)?.[1];
  return pendingId && csrfToken ? { pendingId, csrfToken } : undefined;
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&quot;': '"',
  '&#39;': "'",
  '&lt;': '<',
  '&gt;': '>',
};

/** The target of `<meta http-equiv="refresh" content="0;url=...">`, entity-decoded. */
export function metaRefreshOf(html: string): string | undefined {
  const content = /<meta http-equiv="refresh" content="\d+;\s*url=([^"]*)"/i.exec(html)?.[1];
  return content?.replace(/&(amp|quot|#39|lt|gt);/g, (entity) => ENTITIES[entity] ?? entity);
}

export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  scope?: string;
  state?: string;
  resource?: string;
  pkce?: Pkce;
  /** Extra or overriding query parameters (attack variants). */
  extra?: Record<string, string>;
}

/** Where the browser ended up: at the client with a code, at the consent page, or on an error page. */
export interface AuthorizationOutcome {
  /** The final redirect to the client, if any. */
  redirect?: URL;
  code?: string;
  consent?: ConsentForm;
  /** The last answer seen (the consent or error page, or the redirect). */
  last: HttpAnswer;
  /** Every URL the browser was sent to, in order. */
  hops: string[];
}

export class OAuthClient {
  readonly publicUrl: string;
  readonly resource: string;

  constructor(publicUrl: string) {
    this.publicUrl = publicUrl;
    this.resource = `${publicUrl}/mcp`;
  }

  async register(metadata: Record<string, unknown> = {}): Promise<HttpAnswer> {
    return answer(
      await fetch(`${this.publicUrl}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_name: 'Proof client',
          redirect_uris: ['https://client.example.com/callback'],
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          ...metadata,
        }),
      }),
    );
  }

  /** Registers a public client and returns its id (throws on anything but 201). */
  async registerPublicClient(metadata: Record<string, unknown> = {}): Promise<string> {
    const registered = await this.register(metadata);
    if (registered.status !== 201 || typeof registered.json?.client_id !== 'string') {
      throw new Error(`registration failed: ${registered.status} ${registered.text}`);
    }
    return registered.json.client_id;
  }

  authorizeUrl(request: AuthorizationRequest): string {
    const url = new URL(`${this.publicUrl}/oauth/authorize`);
    const params: Record<string, string | undefined> = {
      response_type: 'code',
      client_id: request.clientId,
      redirect_uri: request.redirectUri,
      scope: request.scope ?? 'repos:read issues:read',
      state: request.state,
      code_challenge: request.pkce?.challenge,
      code_challenge_method: request.pkce ? 'S256' : undefined,
      resource: request.resource ?? this.resource,
    };
    for (const [name, value] of Object.entries({ ...params, ...request.extra })) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    return url.toString();
  }

  /**
   * Follows the browser through authorize → GitHub (emulator auto-approve) → callback, stopping at
   * the consent page, an error page, or the redirect back to the client.
   */
  async authorize(browser: Browser, request: AuthorizationRequest, url = this.authorizeUrl(request)) {
    return this.follow(browser, url);
  }

  async follow(browser: Browser, start: string, init: RequestInit = {}): Promise<AuthorizationOutcome> {
    const hops: string[] = [];
    let url = start;
    let response = await browser.fetch(url, init);
    for (let hop = 0; hop < 10; hop++) {
      hops.push(url);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) break;
      const next = new URL(location, url);
      const gatewayOrEmulator =
        next.origin === new URL(this.publicUrl).origin || next.pathname.startsWith('/login/oauth/');
      if (!gatewayOrEmulator) {
        await response.body?.cancel();
        return {
          redirect: next,
          code: next.searchParams.get('code') ?? undefined,
          last: { status: response.status, headers: response.headers, text: '', json: undefined },
          hops: [...hops, next.toString()],
        };
      }
      await response.body?.cancel();
      url = next.toString();
      response = await browser.fetch(url);
    }
    const last = await answer(response);
    // After a POST, the consent page returns to the client with a meta refresh (a 302 to another
    // origin would be blocked by the page's CSP form-action).
    const refresh = last.status === 200 ? metaRefreshOf(last.text) : undefined;
    if (refresh) {
      const next = new URL(refresh, url);
      return {
        redirect: next,
        code: next.searchParams.get('code') ?? undefined,
        last,
        hops: [...hops, next.toString()],
      };
    }
    return { consent: consentFormOf(last.text), last, hops };
  }

  async decide(
    browser: Browser,
    form: ConsentForm,
    decision: 'approve' | 'deny',
    headers: Record<string, string> = {},
  ): Promise<AuthorizationOutcome> {
    return this.follow(browser, `${this.publicUrl}/oauth/consent`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({
        pending_id: form.pendingId,
        csrf_token: form.csrfToken,
        decision,
      }).toString(),
    });
  }

  /** authorize → sign-in → consent approve (when asked) → the code at the client. */
  async obtainCode(browser: Browser, request: AuthorizationRequest): Promise<AuthorizationOutcome> {
    let outcome = await this.authorize(browser, request);
    if (outcome.consent) outcome = await this.decide(browser, outcome.consent, 'approve');
    if (!outcome.code) {
      throw new Error(
        `no code: ${outcome.last.status} ${outcome.hops.join(' → ')} ${outcome.last.text.slice(0, 500)}`,
      );
    }
    return outcome;
  }

  async token(parameters: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    return answer(
      await fetch(`${this.publicUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(parameters).toString(),
      }),
    );
  }

  exchangeCode(
    clientId: string,
    code: string,
    redirectUri: string,
    verifier: string,
    resource = this.resource,
  ) {
    return this.token({
      grant_type: 'authorization_code',
      client_id: clientId,
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      resource,
    });
  }

  refresh(clientId: string, refreshToken: string, extra: Record<string, string> = {}) {
    return this.token({
      grant_type: 'refresh_token',
      client_id: clientId,
      refresh_token: refreshToken,
      ...extra,
    });
  }

  async revoke(clientId: string, token: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    return answer(
      await fetch(`${this.publicUrl}/oauth/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ client_id: clientId, token }).toString(),
      }),
    );
  }

  /** A public client, a user who approved it, and its first token set: the common starting point. */
  async connect(options: { scope?: string; redirectUri?: string; browser?: Browser } = {}) {
    const redirectUri = options.redirectUri ?? 'https://client.example.com/callback';
    const clientId = await this.registerPublicClient({ redirect_uris: [redirectUri] });
    const browser = options.browser ?? new Browser();
    const verifier = pkce();
    const request = {
      clientId,
      redirectUri,
      scope: options.scope,
      pkce: verifier,
      state: randomBytes(8).toString('hex'),
    };
    const { code } = await this.obtainCode(browser, request);
    const exchanged = await this.exchangeCode(clientId, code!, redirectUri, verifier.verifier);
    if (exchanged.status !== 200)
      throw new Error(`code exchange failed: ${exchanged.status} ${exchanged.text}`);
    return { clientId, browser, redirectUri, tokens: exchanged.json as unknown as TokenSet };
  }
}

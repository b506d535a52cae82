/**
 * A scripted browser for the authorization flow: follows redirects one hop at a time, keeps
 * cookies per origin, and fills in the consent form. It stops at the client's redirect URI (the
 * client's own server is never contacted) and reports every page it saw.
 */
export class Browser {
  readonly #cookies = new Map<string, Map<string, string>>();
  /** Every response seen, in order: URL and status. */
  readonly visits: { url: string; status: number }[] = [];

  cookie(origin: string, name: string): string | undefined {
    return this.#cookies.get(origin)?.get(name);
  }

  setCookie(origin: string, name: string, value: string): void {
    const jar = this.#cookies.get(origin) ?? new Map<string, string>();
    jar.set(name, value);
    this.#cookies.set(origin, jar);
  }

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const { origin } = new URL(url);
    const jar = this.#cookies.get(origin);
    const headers = new Headers(init.headers);
    if (jar && jar.size > 0)
      headers.set('Cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.visits.push({ url, status: response.status });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', value = ''] = attribute.trim().split('=');
        if (/^max-age$/i.test(key)) return Number(value) <= 0;
        return /^expires$/i.test(key) && Date.parse(value) <= Date.now();
      });
      const cookies = this.#cookies.get(origin) ?? new Map<string, string>();
      if (expired) cookies.delete(name);
      else cookies.set(name, value);
      this.#cookies.set(origin, cookies);
    }
    return response;
  }

  /**
   * GETs `url` and follows redirects until one leaves for `stopAt` (returned, not fetched) or a
   * page is shown (returned with its body).
   */
  async navigate(url: string, stopAt: string): Promise<Outcome> {
    let current = url;
    for (let hop = 0; hop < 10; hop++) {
      const response = await this.fetch(current);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        const next = new URL(location, current).href;
        if (next.startsWith(stopAt)) return { kind: 'redirect', url: new URL(next) };
        current = next;
        continue;
      }
      return { kind: 'page', url: current, status: response.status, html: await response.text(), response };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** Submits the consent page's form with the given decision; returns where it leads. */
  async decide(page: PageOutcome, decision: 'approve' | 'deny', stopAt: string): Promise<Outcome> {
    const form = consentForm(page.html);
    const action = new URL('/oauth/consent', page.url).href;
    const response = await this.fetch(action, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin' },
      body: new URLSearchParams({ ...form, decision }).toString(),
    });
    const html = await response.text();
    // The decision is answered by a page that refreshes to the client (see authorization-step.ts).
    const refresh = /<meta http-equiv="refresh" content="0;url=([^"]*)">/.exec(html)?.[1];
    if (response.status === 200 && refresh !== undefined) {
      const next = new URL(decodeEntities(refresh), action);
      if (next.href.startsWith(stopAt)) return { kind: 'redirect', url: next };
      return this.navigate(next.href, stopAt);
    }
    return { kind: 'page', url: action, status: response.status, html, response };
  }

  /** The whole browser part: authorize → GitHub (auto-approved) → callback → consent → decision. */
  async authorize(
    authorizationUrl: string,
    redirectUri: string,
    decision: 'approve' | 'deny' = 'approve',
  ): Promise<{ callback: URL; consent: PageOutcome | undefined }> {
    const first = await this.navigate(authorizationUrl, redirectUri);
    if (first.kind === 'redirect') return { callback: first.url, consent: undefined };
    if (!first.html.includes('name="pending_id"')) {
      throw new Error(
        `expected the consent page, got ${first.status} at ${first.url}:\n${first.html.slice(0, 2000)}`,
      );
    }
    const outcome = await this.decide(first, decision, redirectUri);
    if (outcome.kind !== 'redirect') {
      throw new Error(
        `expected a redirect to the client, got ${outcome.status}:\n${outcome.html.slice(0, 2000)}`,
      );
    }
    return { callback: outcome.url, consent: first };
  }
}

export interface PageOutcome {
  kind: 'page';
  url: string;
  status: number;
  html: string;
  response: Response;
}

export type Outcome = { kind: 'redirect'; url: URL } | PageOutcome;

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** The value of a named hidden input, HTML entities decoded. */
export function hiddenField(html: string, name: string): string {
  const value = new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
  if (value === undefined) throw new Error(`no ${name} field on the page`);
  return decodeEntities(value);
}

/** The hidden fields of the consent form. */
export function consentForm(html: string): { pending_id: string; csrf_token: string } {
  return { pending_id: hiddenField(html, 'pending_id'), csrf_token: hiddenField(html, 'csrf_token') };
}

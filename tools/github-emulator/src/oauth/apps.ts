import { createHash, timingSafeEqual } from 'node:crypto';
import type { OAuthAppConfig } from '../options.ts';

export interface OAuthApp {
  clientId: string;
  name: string;
  callbackUrl: string;
  /** SHA-256 of the secret: equal-length digests let the comparison run in constant time. */
  secretDigest: Buffer;
}

/** The OAuth apps the emulator knows, by client id. Kept across resets: they are configuration. */
export class OAuthAppRegistry {
  #apps = new Map<string, OAuthApp>();

  constructor(apps: readonly OAuthAppConfig[]) {
    for (const app of apps) this.register(app);
  }

  register(config: OAuthAppConfig): OAuthApp {
    const callback = new URL(config.callbackUrl);
    const app: OAuthApp = {
      clientId: config.clientId,
      name: config.name ?? config.clientId,
      callbackUrl: callback.href,
      secretDigest: digest(config.clientSecret),
    };
    this.#apps.set(app.clientId, app);
    return app;
  }

  find(clientId: unknown): OAuthApp | undefined {
    return typeof clientId === 'string' ? this.#apps.get(clientId) : undefined;
  }

  /** The app when both the client id and the secret match; undefined otherwise. */
  authenticate(clientId: unknown, clientSecret: unknown): OAuthApp | undefined {
    const app = this.find(clientId);
    if (!app || typeof clientSecret !== 'string') return undefined;
    return timingSafeEqual(app.secretDigest, digest(clientSecret)) ? app : undefined;
  }

  list(): OAuthApp[] {
    return [...this.#apps.values()];
  }
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** Loopback callbacks may come back on any port: GitHub lets native apps pick one at run time. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]']);

/**
 * GitHub's redirect_uri rule: same scheme, the callback's host or one of its subdomains, the same
 * port (any port for a loopback IP), and the callback's path or a path below it.
 * https://docs.github.com/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#redirect-urls
 */
export function isAllowedRedirect(callbackUrl: string, redirectUri: string): boolean {
  let callback: URL;
  let redirect: URL;
  try {
    callback = new URL(callbackUrl);
    redirect = new URL(redirectUri);
  } catch {
    return false;
  }
  if (redirect.protocol !== callback.protocol || redirect.username || redirect.password) return false;
  const sameHost =
    redirect.hostname === callback.hostname || redirect.hostname.endsWith(`.${callback.hostname}`);
  const samePort = redirect.port === callback.port || LOOPBACK_HOSTS.has(callback.hostname);
  const base = callback.pathname.endsWith('/') ? callback.pathname : `${callback.pathname}/`;
  const underPath = redirect.pathname === callback.pathname || redirect.pathname.startsWith(base);
  return sameHost && samePort && underPath;
}

import { randomInt } from 'node:crypto';

export interface AccessToken {
  token: string;
  login: string;
  scopes: string[];
  /** The OAuth app it was issued to; null for tokens minted through the control API. */
  clientId: string | null;
  createdAt: number;
  /** Epoch milliseconds; null for classic OAuth tokens, which never expire. */
  expiresAt: number | null;
}

export interface RefreshToken {
  token: string;
  login: string;
  scopes: string[];
  clientId: string;
  expiresAt: number;
}

export interface IssueTokenRequest {
  login: string;
  scopes: string[];
  clientId: string | null;
  expiresInSeconds?: number | null;
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** GitHub's token format: a type prefix (`gho_` OAuth, `ghr_` refresh) and base62 characters. */
export function generateToken(prefix: 'gho_' | 'ghr_', length: number): string {
  let token = prefix;
  for (let i = 0; i < length; i++) token += BASE62[randomInt(BASE62.length)];
  return token;
}

/** Issued access and refresh tokens. Expired ones stay listed (for the state dump) but no longer work. */
export class TokenStore {
  #access = new Map<string, AccessToken>();
  #refresh = new Map<string, RefreshToken>();

  issue(request: IssueTokenRequest, now = Date.now()): AccessToken {
    const token: AccessToken = {
      token: generateToken('gho_', 36),
      login: request.login,
      scopes: [...request.scopes],
      clientId: request.clientId,
      createdAt: now,
      expiresAt: request.expiresInSeconds ? now + request.expiresInSeconds * 1000 : null,
    };
    this.#access.set(token.token, token);
    return token;
  }

  issueRefreshToken(access: AccessToken & { clientId: string }, ttlSeconds: number): RefreshToken {
    const refresh: RefreshToken = {
      token: generateToken('ghr_', 76),
      login: access.login,
      scopes: [...access.scopes],
      clientId: access.clientId,
      expiresAt: access.createdAt + ttlSeconds * 1000,
    };
    this.#refresh.set(refresh.token, refresh);
    return refresh;
  }

  /** The token when it exists and has not expired. */
  findActive(token: string, now = Date.now()): AccessToken | undefined {
    const found = this.#access.get(token);
    return found && (found.expiresAt === null || found.expiresAt > now) ? found : undefined;
  }

  /**
   * Takes a refresh token out of circulation and returns it if it was valid for this client: GitHub
   * rotates refresh tokens, so each one works exactly once.
   */
  redeemRefreshToken(token: string, clientId: string, now = Date.now()): RefreshToken | undefined {
    const found = this.#refresh.get(token);
    if (!found || found.clientId !== clientId) return undefined;
    this.#refresh.delete(token);
    return found.expiresAt > now ? found : undefined;
  }

  /** Makes a token fail as expired from now on; false when no such token was issued. */
  expire(token: string, now = Date.now()): boolean {
    const found = this.#access.get(token);
    if (!found) return false;
    found.expiresAt = Math.min(found.expiresAt ?? now, now);
    return true;
  }

  clear(): void {
    this.#access.clear();
    this.#refresh.clear();
  }

  list(): AccessToken[] {
    return [...this.#access.values()];
  }
}

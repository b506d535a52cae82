import { randomBytes } from 'node:crypto';

/** What the client asked for in GET /login/oauth/authorize, kept until the user decides. */
export interface AuthorizationRequest {
  clientId: string;
  /** As sent; null when the client relied on the app's callback URL. */
  redirectUri: string | null;
  /** Where the user is sent back: the redirect_uri or the app's callback URL. */
  returnTo: string;
  scopes: string[];
  state: string | null;
  codeChallenge: string | null;
  /** The `login` hint: the account to suggest on the sign-in page. */
  login: string | null;
}

export interface AuthorizationCode extends AuthorizationRequest {
  code: string;
  /** Who approved. */
  user: string;
  expiresAt: number;
}

/** GitHub's codes expire after ten minutes. */
const CODE_TTL_MS = 10 * 60 * 1000;

/** Pending sign-ins (shown as the sign-in page) and issued authorization codes. */
export class AuthorizationCodes {
  #pending = new Map<string, { request: AuthorizationRequest; expiresAt: number }>();
  #codes = new Map<string, AuthorizationCode>();

  /** Parks a request while the sign-in page is shown; the page posts back only this id. */
  park(request: AuthorizationRequest, now = Date.now()): string {
    const id = randomBytes(16).toString('hex');
    this.#pending.set(id, { request, expiresAt: now + CODE_TTL_MS });
    return id;
  }

  /** The parked request, once: a second approval of the same page is refused. */
  unpark(id: string, now = Date.now()): AuthorizationRequest | undefined {
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    return pending && pending.expiresAt > now ? pending.request : undefined;
  }

  /** Codes are 20 hex characters, like GitHub's. */
  issue(request: AuthorizationRequest, user: string, now = Date.now()): AuthorizationCode {
    const code: AuthorizationCode = {
      ...request,
      code: randomBytes(10).toString('hex'),
      user,
      expiresAt: now + CODE_TTL_MS,
    };
    this.#codes.set(code.code, code);
    return code;
  }

  /** Codes are single-use: the first redemption removes the code whatever its outcome. */
  redeem(code: string, now = Date.now()): AuthorizationCode | undefined {
    const found = this.#codes.get(code);
    this.#codes.delete(code);
    return found && found.expiresAt > now ? found : undefined;
  }

  clear(): void {
    this.#pending.clear();
    this.#codes.clear();
  }

  get size(): { pending: number; codes: number } {
    return { pending: this.#pending.size, codes: this.#codes.size };
  }
}

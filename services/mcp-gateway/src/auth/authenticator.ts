import type { AccessToken } from './access-token.ts';
import { bearerTokenOf } from './bearer-token.ts';
import { BearerError, type RejectionReason } from './errors.ts';
import type { RefusedTokens } from './refused-tokens.ts';
import type { RevokedGrants } from './revoked-grants.ts';
import type { SigningKeys } from './signing-keys.ts';
import { VerifiedTokens } from './verified-tokens.ts';
import { verifyAccessToken } from './verify-access-token.ts';

export interface AuthenticatorOptions {
  keys: SigningKeys;
  revoked: RevokedGrants;
  verified: VerifiedTokens;
  refused: RefusedTokens;
  issuer: string;
  audience: string;
  leewaySeconds: number;
  maxLifetimeSeconds: number;
  now?: () => number;
}

/**
 * Who a request to the protected resource acts for: the bearer token found (header only),
 * verified (or found among recently verified tokens), and its grant not revoked. A token refused
 * for a lasting reason is refused again from memory for a while (RefusedTokens). Transport-free:
 * the HTTP layer passes the Authorization header and the URL, and maps the BearerError it throws.
 */
export class Authenticator {
  readonly #options: AuthenticatorOptions;
  readonly #now: () => number;

  constructor(options: AuthenticatorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  async authenticate(authorization: string | undefined, url: URL): Promise<AccessToken> {
    const raw = bearerTokenOf(authorization, url);
    const key = VerifiedTokens.keyOf(raw);
    let token = this.#options.verified.get(key);
    if (!token) {
      const refused = this.#options.refused.get(key);
      if (refused) throw BearerError.rejected(refused);
      try {
        token = await verifyAccessToken(raw, { ...this.#options, now: this.#now() });
      } catch (error) {
        if (error instanceof BearerError && error.kind === 'rejected') {
          this.#options.refused.remember(key, error.reason as RejectionReason);
        }
        throw error;
      }
      this.#options.verified.set(key, token);
    }
    // Checked on every request, cached or not: revocation must take effect at once.
    if (this.#options.revoked.has(token.grantId)) throw BearerError.rejected('revoked', token);
    return token;
  }
}

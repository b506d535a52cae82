import { busError } from '@gatehouse/bus';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { reconnectGitHub } from '../errors.ts';
import { type EventSink, emitEvent } from '../events.ts';
import type { UpstreamAccount, UpstreamAccountStore } from '../store/ports.ts';
import { type GitHubOAuth, GitHubOAuthError, type UpstreamTokenSet } from './github-oauth.ts';
import type { Keyring } from './token-keys.ts';

/** A usable GitHub token, decrypted, for the worker. */
export interface UpstreamTokenView {
  accessToken: string;
  scopes: string[];
  expiresAt: Date | null;
}

type RefreshOutcome =
  | { token: UpstreamTokenView; refreshed: boolean }
  | { failed: string }
  | { unavailable: string };

/** The encrypted payload: both halves of the pair, so one JWE covers them. */
interface Secrets {
  accessToken: string;
  refreshToken: string | null;
}

/** A token this close to expiry is refreshed before it is handed out. */
const EXPIRY_MARGIN_MS = 60_000;
/**
 * A pair obtained this recently is not refreshed again: the caller saw the previous token fail,
 * and another worker already replaced it (GitHub rotates refresh tokens, so a second refresh with
 * the old one would fail and disconnect the person).
 */
const RECENTLY_OBTAINED_MS = 30_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * GitHub tokens at rest: encrypted as compact JWE (`dir`, A256GCM) under a key id, so keys rotate
 * (the first key encrypts, all decrypt, old rows are re-encrypted when read). The protected header
 * names the user, so a ciphertext copied onto another person's row does not decrypt for them.
 */
export class TokenVault {
  readonly #keyring: Keyring;
  readonly #accounts: UpstreamAccountStore;
  readonly #github: GitHubOAuth;
  readonly #events: EventSink;
  readonly #now: () => number;

  constructor(deps: {
    keyring: Keyring;
    accounts: UpstreamAccountStore;
    github: GitHubOAuth;
    events: EventSink;
    now?: () => number;
  }) {
    this.#keyring = deps.keyring;
    this.#accounts = deps.accounts;
    this.#github = deps.github;
    this.#events = deps.events;
    this.#now = deps.now ?? Date.now;
  }

  /** Stores the pair GitHub just issued at sign-in, replacing any earlier one. */
  async store(userId: string, tokens: UpstreamTokenSet): Promise<void> {
    await this.#accounts.save(await this.#seal(userId, tokens));
  }

  /** The GitHub scopes of the stored token, or null when there is none. No decryption needed. */
  async scopes(userId: string): Promise<{ scopes: string[]; expiring: boolean } | null> {
    const account = await this.#accounts.find(userId);
    return account && { scopes: account.scopes, expiring: account.expiresAt !== null };
  }

  /** The person's GitHub token; refreshed first when it is about to expire and can be. */
  async get(userId: string): Promise<UpstreamTokenView> {
    const account = await this.#accounts.find(userId);
    if (!account) throw reconnectGitHub('no_upstream_account');
    if (this.#expiring(account)) return this.refresh(userId, 'expiring');
    const secrets = await this.#open(account);
    if (account.keyId !== this.#keyring.current.kid) await this.#reseal(account, secrets);
    return view(account, secrets);
  }

  /**
   * Refreshes the token with GitHub's refresh token (GitHub App user tokens), one refresh per person
   * at a time. Without a refresh token, or when GitHub refuses it, the person must reconnect GitHub.
   * It is not cut short when the caller stops waiting: once GitHub has rotated the refresh token,
   * dropping its answer would disconnect the person; GITHUB_TIMEOUT bounds it instead.
   */
  async refresh(userId: string, trigger: 'requested' | 'expiring' = 'requested'): Promise<UpstreamTokenView> {
    const outcome = await this.#accounts.withLock<RefreshOutcome>(userId, async (account) => {
      if (!account) return { result: { failed: 'no_upstream_account' } };
      const secrets = await this.#open(account);
      if (this.#now() - account.obtainedAt.getTime() < RECENTLY_OBTAINED_MS && !this.#expiring(account)) {
        return { result: { token: view(account, secrets), refreshed: false } };
      }
      if (!secrets.refreshToken) return { result: { failed: 'no_refresh_token' } };
      if (account.refreshTokenExpiresAt && account.refreshTokenExpiresAt.getTime() <= this.#now()) {
        return { write: 'delete', result: { failed: 'refresh_token_expired' } };
      }
      try {
        const fresh = await this.#github.refresh(secrets.refreshToken);
        const next = await this.#seal(userId, fresh);
        return { write: next, result: { token: view(next, fresh), refreshed: true } };
      } catch (error) {
        if (!(error instanceof GitHubOAuthError)) throw error;
        // A refused refresh token is spent: forget the pair so the next sign-in starts clean.
        if (error.kind === 'rejected') return { write: 'delete', result: { failed: error.reason } };
        return { result: { unavailable: error.reason } };
      }
    });
    const user = { id: userId };
    if ('token' in outcome) {
      if (outcome.refreshed) {
        emitEvent(this.#events, 'identity.upstream_token.refreshed', {
          outcome: 'success',
          user,
          details: { trigger },
        });
      }
      return outcome.token;
    }
    const reason = 'failed' in outcome ? outcome.failed : outcome.unavailable;
    emitEvent(this.#events, 'identity.upstream_token.refresh_failed', {
      outcome: 'failure',
      user,
      reason,
      details: { trigger },
    });
    if ('unavailable' in outcome) {
      throw busError('unavailable', 'GitHub could not be reached to refresh the token; try again.', {
        reason,
      });
    }
    throw reconnectGitHub(reason);
  }

  #expiring(account: UpstreamAccount): boolean {
    return account.expiresAt !== null && account.expiresAt.getTime() - this.#now() <= EXPIRY_MARGIN_MS;
  }

  async #seal(userId: string, tokens: UpstreamTokenSet): Promise<UpstreamAccount> {
    const { keyId, sealedTokens } = await this.#encrypt(userId, {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
    });
    return {
      userId,
      keyId,
      sealedTokens,
      scopes: tokens.scopes,
      expiresAt: tokens.expiresAt,
      refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
      obtainedAt: new Date(this.#now()),
    };
  }

  async #encrypt(userId: string, secrets: Secrets): Promise<{ keyId: string; sealedTokens: string }> {
    const { kid, key } = this.#keyring.current;
    const sealedTokens = await new CompactEncrypt(encoder.encode(JSON.stringify(secrets)))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid, uid: userId })
      .encrypt(key);
    return { keyId: kid, sealedTokens };
  }

  async #open(account: UpstreamAccount): Promise<Secrets> {
    const { plaintext, protectedHeader } = await compactDecrypt(
      account.sealedTokens,
      (header) => {
        const key = this.#keyring.keys.get(header.kid ?? '');
        if (!key)
          throw new Error(`no upstream-token key with kid ${JSON.stringify(header.kid)} is configured`);
        return key;
      },
      { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] },
    );
    if (protectedHeader.uid !== account.userId) throw new Error('upstream token sealed for another user');
    return JSON.parse(decoder.decode(plaintext)) as Secrets;
  }

  /** Re-encrypts under the current key, unless a refresh replaced the row meanwhile. */
  async #reseal(account: UpstreamAccount, secrets: Secrets): Promise<void> {
    const { keyId, sealedTokens } = await this.#encrypt(account.userId, secrets);
    await this.#accounts.replaceIfUnchanged({ ...account, keyId, sealedTokens }, account.sealedTokens);
  }
}

function view(account: UpstreamAccount, secrets: Pick<Secrets, 'accessToken'>): UpstreamTokenView {
  return { accessToken: secrets.accessToken, scopes: account.scopes, expiresAt: account.expiresAt };
}

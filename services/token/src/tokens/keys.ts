import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, createLocalJWKSet, type JWTVerifyGetKey } from 'jose';
import type { KeyStore, NewSigningKey, StoredSigningKey } from '../store/ports.ts';
import { decryptWithKeys, encryptWithKeys, type KeyEncryptionKey } from './key-encryption.ts';

/** An RFC 7517 public key as published in the JWKS (EC P-256 only). */
export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  kid: string;
  alg: string;
  use: string;
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

export interface KeyRingOptions {
  rotationIntervalMs: number;
  /**
   * How long a retired key stays in the JWKS: the access-token lifetime, plus the interval at which
   * replicas reload keys (one may still sign with the old key until it notices), plus clock skew.
   */
  retiredPublishMs: number;
}

/** A new ES256 key: `kid` is its RFC 7638 thumbprint; the private JWK is encrypted at rest. */
export async function generateSigningKey(keks: readonly KeyEncryptionKey[]): Promise<NewSigningKey> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const kid = await calculateJwkThumbprint({ kty: kty!, crv: crv!, x: x!, y: y! }, 'sha256');
  return {
    kid,
    publicJwk: { kty: kty!, crv: crv!, x: x!, y: y!, kid, alg: 'ES256', use: 'sig' },
    privateJwkEncrypted: await encryptWithKeys(JSON.stringify(privateKey.export({ format: 'jwk' })), keks),
    encryptionKeyId: keks[0]!.id,
  };
}

/**
 * The signing keys as this replica knows them: the decrypted current key (kept in memory, so signing
 * needs no I/O), and the public keys to publish. Rotation happens in the store under a lock; every
 * replica reloads on a timer, which is safe because the next key is published one rotation interval
 * before it signs and a retired key stays published until every token it signed has expired.
 */
export class KeyRing {
  readonly #store: KeyStore;
  readonly #keks: readonly KeyEncryptionKey[];
  readonly #options: KeyRingOptions;
  #current: SigningKey | undefined;
  #currentActivatedAt = 0;
  #published: PublicJwk[] = [];
  #verifier: JWTVerifyGetKey | undefined;

  constructor(store: KeyStore, keks: readonly KeyEncryptionKey[], options: KeyRingOptions) {
    this.#store = store;
    this.#keks = keks;
    this.#options = options;
  }

  /** First start (of any replica) creates the keys; later ones load them. */
  async load(): Promise<void> {
    await this.#store.ensureKeys(() => generateSigningKey(this.#keks));
    await this.reload();
  }

  /** Re-reads the keys; decrypts the current one only when it changed. */
  async reload(): Promise<void> {
    const keys = await this.#store.listPublished();
    const current = keys.find((key) => key.status === 'current');
    if (!current) {
      // Another replica is rotating right now, or the table was emptied: recreate, then read again.
      await this.#store.ensureKeys(() => generateSigningKey(this.#keks));
      return this.reload();
    }
    if (current.kid !== this.#current?.kid) this.#current = await this.#decrypt(current);
    this.#currentActivatedAt = current.activatedAt?.getTime() ?? 0;
    const order = { current: 0, next: 1, retired: 2 } as const;
    this.#published = [...keys]
      .sort((a, b) => order[a.status] - order[b.status] || b.createdAt.getTime() - a.createdAt.getTime())
      .map((key) => key.publicJwk as unknown as PublicJwk);
    this.#verifier = createLocalJWKSet({ keys: this.#published });
  }

  /** The key that signs now. */
  signingKey(): SigningKey {
    if (!this.#current) throw new Error('signing keys not loaded');
    return this.#current;
  }

  /** Current, next and still-valid retired public keys, current first. */
  publicKeys(): readonly PublicJwk[] {
    return this.#published;
  }

  /** jose key resolver over the published keys, for verifying our own access tokens. */
  verifier(): JWTVerifyGetKey {
    if (!this.#verifier) throw new Error('signing keys not loaded');
    return this.#verifier;
  }

  /** Whether the current key has signed for a whole rotation interval (as of the last reload). */
  rotationDue(now = Date.now()): boolean {
    return now - this.#currentActivatedAt >= this.#options.rotationIntervalMs;
  }

  /** Rotates now (or only when due); returns the new current kid, or undefined when not due. */
  async rotate(options: { onlyIfDue?: boolean } = {}): Promise<string | undefined> {
    const kid = await this.#store.rotate(() => generateSigningKey(this.#keks), {
      retiredPublishMs: this.#options.retiredPublishMs,
      ...(options.onlyIfDue ? { onlyIfOlderThanMs: this.#options.rotationIntervalMs } : {}),
    });
    await this.reload();
    return kid;
  }

  async #decrypt(key: StoredSigningKey): Promise<SigningKey> {
    try {
      const jwk = JSON.parse(await decryptWithKeys(key.privateJwkEncrypted, this.#keks));
      return { kid: key.kid, privateKey: createPrivateKey({ key: jwk, format: 'jwk' }) };
    } catch (error) {
      throw new Error(`cannot decrypt signing key ${key.kid}: ${(error as Error).message}`);
    }
  }
}

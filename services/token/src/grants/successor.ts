import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { TokenResult } from './grant-type.ts';

const INFO = 'gatehouse refresh successor v1';

/** The response to a rotation, kept for the grace window; `expiresAt` lets a replay report the true `expires_in`. */
export interface SealedSuccessor {
  result: TokenResult;
  /** Epoch ms when the access token expires. */
  expiresAt: number;
}

// The key is derived from the refresh token that was presented, which is never stored: the sealed
// pair in Redis is useless to anyone who does not already hold that token. The token is 256 random
// bits, so a domain-separated SHA-256 is a sound KDF here, at a fraction of HKDF's cost per refresh.
function keyFor(presentedToken: string): Buffer {
  return createHash('sha256').update(INFO).update('\0').update(presentedToken).digest();
}

/** AES-256-GCM under a key derived from the presented refresh token; `aad` binds it to its slot. */
export function sealSuccessor(successor: SealedSuccessor, presentedToken: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(presentedToken), iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(JSON.stringify(successor), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** Opens what sealSuccessor produced; undefined if the token or the slot does not match. */
export function openSuccessor(
  sealed: string,
  presentedToken: string,
  aad: string,
): SealedSuccessor | undefined {
  try {
    const bytes = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', keyFor(presentedToken), bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(bytes.subarray(12, 28));
    const plain = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as SealedSuccessor;
  } catch {
    return undefined;
  }
}

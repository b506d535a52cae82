// The attack tests need tokens that are correctly signed but wrong in one claim, to prove each claim
// check on its own. The stack runs with a key-encryption key the test chose, so the test can read
// the token service's active signing key from its table and sign with it: an insider's forgery
// oracle, used only here.
import { randomBytes } from 'node:crypto';
import { compactDecrypt, importJWK, type JWK, SignJWT } from 'jose';
import pg from 'pg';

export function keyEncryptionKey(): { id: string; secret: Buffer; env: string } {
  const secret = randomBytes(32);
  return { id: 'proof', secret, env: `proof:${secret.toString('base64url')}` };
}

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function activeSigningKey(databaseUrl: string, kek: Buffer): Promise<SigningKey> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ kid: string; public_jwk: JWK; private_jwk_encrypted: string }>(
      `SELECT kid, public_jwk, private_jwk_encrypted FROM token.signing_keys
        WHERE status = 'current'`,
    );
    const row = rows[0];
    if (!row) throw new Error('no current signing key in token.signing_keys');
    const { plaintext } = await compactDecrypt(row.private_jwk_encrypted, kek);
    const jwk = JSON.parse(new TextDecoder().decode(plaintext)) as JWK;
    return {
      kid: row.kid,
      privateKey: (await importJWK(jwk, 'ES256')) as CryptoKey,
      publicJwk: row.public_jwk,
    };
  } finally {
    await client.end();
  }
}

export interface ForgeOptions {
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
}

/** A token like the token service's, with any claim or header overridden. */
export async function forgeAccessToken(
  key: SigningKey,
  base: { issuer: string; audience: string; subject: string; grantId: string; clientId: string },
  options: ForgeOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: base.issuer,
    aud: base.audience,
    sub: base.subject,
    client_id: base.clientId,
    gid: base.grantId,
    scope: 'repos:read issues:read',
    jti: randomBytes(12).toString('base64url'),
    iat: now,
    exp: now + 300,
    ...options.claims,
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid, ...options.header })
    .sign(key.privateKey);
}

/** base64url(JSON) of a JWT part. */
export function part(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodePart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;
}

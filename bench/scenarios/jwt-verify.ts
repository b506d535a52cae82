// The gateway's pure access-token verifier (services/mcp-gateway/src/auth), run in a tight loop.
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { staticSigningKeys } from '../../services/mcp-gateway/src/auth/signing-keys.ts';
import { verifyAccessToken } from '../../services/mcp-gateway/src/auth/verify-access-token.ts';
import { fmt, type ResultRow } from './context.ts';

export async function jwtVerifyScenario(durationMs: number): Promise<ResultRow[]> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256', use: 'sig' };
  const keys = await staticSigningKeys({ keys: [jwk] });
  const issuer = 'https://gatehouse.example';
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({
    scope: 'repos:read issues:read',
    client_id: 'c',
    gid: randomUUID(),
    jti: randomUUID(),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'bench' })
    .setIssuer(issuer)
    .setAudience(`${issuer}/mcp`)
    .setSubject('u')
    .setIssuedAt(now)
    .setExpirationTime(now + 900)
    .sign(privateKey);
  const options = { keys, issuer, audience: `${issuer}/mcp`, leewaySeconds: 5, maxLifetimeSeconds: 3600 };
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < durationMs) {
    await verifyAccessToken(token, options);
    count++;
  }
  const rate = (count / (performance.now() - started)) * 1000;
  return [
    { scenario: 'JWT verification', metric: 'verifications/s (one core)', value: fmt(rate, 0), target: '' },
  ];
}

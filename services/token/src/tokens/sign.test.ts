import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, test } from '@gatehouse/testing';
import { createLocalJWKSet, exportJWK, jwtVerify } from 'jose';
import { signJwt } from './sign.ts';

describe('signJwt', () => {
  test('produces a compact ES256 JWS that jose verifies, with typ at+jwt and the kid', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const claims = {
      iss: 'https://gh.example',
      aud: 'https://gh.example/mcp',
      sub: 'u',
      client_id: 'c',
      scope: 'repos:read',
      jti: 'j',
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 60,
      gid: 'g',
    };
    const token = signJwt({ kid: 'k1', privateKey }, claims);
    const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] });
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      typ: 'at+jwt',
      algorithms: ['ES256'],
    });
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' });
    expect(payload).toEqual(claims);
  });
});

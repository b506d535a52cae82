import { SignJWT } from 'jose';
import { describe, expect, test } from 'vitest';
import { claimedClientId } from './client-id.ts';

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('claimedClientId', () => {
  test('takes client_id from the body first', () => {
    expect(claimedClientId({ client_id: 'body' }, basic('header', 's'))).toBe('body');
  });

  test('reads the Basic user name, form-decoded (RFC 6749 §2.3.1)', () => {
    expect(claimedClientId({}, basic('https://app.example/client.json', 's:e:c'))).toBe(
      'https://app.example/client.json',
    );
    expect(claimedClientId({}, `basic ${Buffer.from('a+b:x').toString('base64')}`)).toBe('a b');
  });

  test('reads the subject of a client assertion without trusting it', async () => {
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('jwt-client')
      .setIssuer('jwt-client')
      .sign(new TextEncoder().encode('any key will do: the signature is not checked here'));
    expect(claimedClientId({ client_assertion: assertion }, '')).toBe('jwt-client');
  });

  test('gives up quietly on anything unreadable', () => {
    expect(claimedClientId({}, 'Basic !!!')).toBeUndefined();
    expect(claimedClientId({}, `Basic ${Buffer.from('%zz:x').toString('base64')}`)).toBeUndefined();
    expect(claimedClientId({ client_assertion: 'not.a.jwt' }, '')).toBeUndefined();
    expect(claimedClientId({}, 'Bearer abc')).toBeUndefined();
  });
});

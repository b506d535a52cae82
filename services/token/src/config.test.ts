import { randomBytes } from 'node:crypto';
import { ConfigError } from '@gatehouse/config';
import { describe, expect, test } from '@gatehouse/testing';
import { loadConfig } from './config.ts';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

const KEK = `k1:${randomBytes(32).toString('base64url')}`;

describe('token service configuration', () => {
  test('boots on loopback with no configuration at all (the insecure development key)', () => {
    const config = loadConfig({});
    expect(config.PUBLIC_URL).toBe('http://localhost:8080');
    expect(config.ACCESS_TOKEN_TTL).toBe(900_000);
    expect(config.REFRESH_REUSE_GRACE).toBe(30_000);
    expect(config.TOKEN_KEY_ENCRYPTION_KEYS).toBeUndefined();
  });

  test('strips a trailing slash from PUBLIC_URL', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://gh.example/', TOKEN_KEY_ENCRYPTION_KEYS: KEK }).PUBLIC_URL).toBe(
      'https://gh.example',
    );
  });

  test.for([
    [{ PUBLIC_URL: 'https://gh.example' }, /TOKEN_KEY_ENCRYPTION_KEYS: required when PUBLIC_URL/],
    [{ PUBLIC_URL: 'http://gh.internal:8080' }, /TOKEN_KEY_ENCRYPTION_KEYS: required/],
    [{ TOKEN_KEY_ENCRYPTION_KEYS: 'k1:short' }, /TOKEN_KEY_ENCRYPTION_KEYS: key "k1" must be 32 bytes/],
    [
      {
        PUBLIC_URL: 'https://gh.example',
        TOKEN_KEY_ENCRYPTION_KEYS: KEK,
        CIMD_ALLOWED_HOSTS: '127.0.0.1:9000',
      },
      /CIMD_ALLOWED_HOSTS: is a development setting/,
    ],
    [{ CIMD_ALLOWED_HOSTS: 'not a host' }, /CIMD_ALLOWED_HOSTS: "not a host" is not host:port/],
    [{ REFRESH_TOKEN_TTL: '1d', REFRESH_TOKEN_IDLE_TTL: '2d' }, /REFRESH_TOKEN_IDLE_TTL: must not exceed/],
    [{ KEY_ROTATION_INTERVAL: '5m' }, /KEY_ROTATION_INTERVAL: must be at least ACCESS_TOKEN_TTL/],
    [{ REFRESH_REUSE_GRACE: '10m' }, /REFRESH_REUSE_GRACE: must be at most 5m/],
    [{ ACCESS_TOKEN_TTL: '2d' }, /ACCESS_TOKEN_TTL: must be between/],
    [{ AUTHORIZATION_CODE_TTL: '1h' }, /AUTHORIZATION_CODE_TTL: must be between/],
    [{ PUBLIC_URL: 'http://localhost:8080/?x=1' }, /PUBLIC_URL: must have no query/],
    [{ PRECONFIGURED_CLIENTS: 'nope' }, /PRECONFIGURED_CLIENTS: must be a JSON array/],
    [
      {
        PRECONFIGURED_CLIENTS: JSON.stringify([
          { client_id: 'c', client_name: 'C', redirect_uris: ['http://x.example/cb'] },
        ]),
      },
      /PRECONFIGURED_CLIENTS: client "c": .*only loopback/,
    ],
    [
      {
        PRECONFIGURED_CLIENTS: JSON.stringify([
          {
            client_id: 'c',
            client_name: 'C',
            redirect_uris: ['https://x.example/cb'],
            token_endpoint_auth_method: 'client_secret_basic',
          },
        ]),
      },
      /needs exactly one of client_secret and client_secret_sha256/,
    ],
    [
      {
        PRECONFIGURED_CLIENTS: JSON.stringify([
          { client_id: 'https://x.example/c', client_name: 'C', redirect_uris: ['https://x.example/cb'] },
        ]),
      },
      /reserved for Client ID Metadata Documents/,
    ],
  ] as const)('refuses %j', ([env, problem]) => {
    expect(problems(env).join('\n')).toMatch(problem);
  });

  test('lists every problem at once', () => {
    const found = problems({
      PUBLIC_URL: 'https://gh.example',
      ACCESS_TOKEN_TTL: 'soon',
      CIMD_MAX_BYTES: '1',
    });
    expect(found.length).toBeGreaterThanOrEqual(2);
  });
});

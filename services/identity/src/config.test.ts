import { randomBytes } from 'node:crypto';
import { ConfigError } from '@gatehouse/config';
import { describe, expect, test } from 'vitest';
import { loadConfig } from './config.ts';

describe('identity configuration', () => {
  test('runs on loopback with no variables: the emulator upstream and the development key', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PUBLIC_URL: 'http://localhost:8080',
      GITHUB_WEB_URL: 'http://127.0.0.1:9090',
      GITHUB_API_URL: 'http://127.0.0.1:9090',
      GITHUB_CLIENT_ID: 'gatehouse-dev',
      DEFAULT_SCOPES: ['repos:read', 'issues:read'],
      SESSION_TTL: 12 * 3_600_000,
      PENDING_REQUEST_TTL: 10 * 60_000,
    });
    expect(config.UPSTREAM_TOKEN_KEYS.development).toBe(true);
  });

  test('refuses to boot on a public URL without real upstream-token keys', () => {
    const error = (() => {
      try {
        loadConfig({ PUBLIC_URL: 'https://gatehouse.example' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.problems.join('\n')).toMatch(/^UPSTREAM_TOKEN_KEYS: required when PUBLIC_URL/);
  });

  test('accepts a public URL with keys, and drops trailing slashes from the URLs', () => {
    const config = loadConfig({
      PUBLIC_URL: 'https://gatehouse.example/',
      GITHUB_WEB_URL: 'https://github.example/',
      GITHUB_API_URL: 'https://github.example/api/v3/',
      UPSTREAM_TOKEN_KEYS: `2026-11:${randomBytes(32).toString('base64url')}`,
    });
    expect(config.PUBLIC_URL).toBe('https://gatehouse.example');
    expect(config.GITHUB_WEB_URL).toBe('https://github.example');
    expect(config.GITHUB_API_URL).toBe('https://github.example/api/v3');
    expect(config.UPSTREAM_TOKEN_KEYS).toMatchObject({ development: false, current: { kid: '2026-11' } });
  });

  test('lists every problem at once', () => {
    const error = (() => {
      try {
        loadConfig({
          PUBLIC_URL: 'ftp://x',
          DEFAULT_SCOPES: 'repos:read repo',
          UPSTREAM_TOKEN_KEYS: 'k1:short',
          SESSION_TTL: 'forever',
        });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error?.problems.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'DEFAULT_SCOPES',
      'PUBLIC_URL',
      'SESSION_TTL',
      'UPSTREAM_TOKEN_KEYS',
    ]);
  });

  test('refuses a PUBLIC_URL with a query', () => {
    expect(() => loadConfig({ PUBLIC_URL: 'http://localhost:8080/?x=1' })).toThrow(
      /PUBLIC_URL: must not carry/,
    );
  });
});

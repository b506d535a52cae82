import { describe, expect, test } from 'vitest';
import { loadConfig } from '../config.ts';
import { oauthSettings } from './settings.ts';

const settings = (env: Record<string, string>) => oauthSettings(loadConfig(env));

describe('OAuth settings and configuration', () => {
  test('the issuer is PUBLIC_URL without its trailing slash; cookies follow the scheme', () => {
    expect(settings({ PUBLIC_URL: 'https://gatehouse.example/' })).toMatchObject({
      issuer: 'https://gatehouse.example',
      resource: 'https://gatehouse.example/mcp',
      secureCookies: true,
      sessionCookieName: '__Host-gatehouse_session',
      resourceDocumentation: 'https://gatehouse.example/',
    });
    expect(settings({ PUBLIC_URL: 'http://localhost:8080' })).toMatchObject({
      issuer: 'http://localhost:8080',
      secureCookies: false,
      sessionCookieName: 'gatehouse_session',
    });
  });

  test('refuses a PUBLIC_URL with a path, and a __Host- cookie on http, listing both', () => {
    expect(() =>
      settings({ PUBLIC_URL: 'http://gatehouse.example/base', SESSION_COOKIE_NAME: '__Host-x' }),
    ).toThrow(
      /PUBLIC_URL: must be an origin[\s\S]*SESSION_COOKIE_NAME: the __Host- and __Secure- prefixes need an https PUBLIC_URL/,
    );
  });

  test('parses rate limits, TRUST_PROXY and CORS origins, and lists every bad value', () => {
    const config = loadConfig({
      RATE_LIMIT_TOKEN_PER_IP: '10/30s',
      RATE_LIMIT_REGISTER_PER_IP: 'off',
      RATE_LIMIT_AUTHORIZE_PER_IP: '5/m',
      TRUST_PROXY: '1',
      CORS_ALLOWED_ORIGINS: 'http://localhost:6274, https://inspector.example',
    });
    expect(config.RATE_LIMIT_TOKEN_PER_IP).toEqual({ points: 10, windowSeconds: 30 });
    expect(config.RATE_LIMIT_REGISTER_PER_IP).toBeNull();
    expect(config.RATE_LIMIT_AUTHORIZE_PER_IP).toEqual({ points: 5, windowSeconds: 60 });
    expect(config.TRUST_PROXY).toEqual({ kind: 'hops', hops: 1 });
    expect(config.CORS_ALLOWED_ORIGINS).toEqual(['http://localhost:6274', 'https://inspector.example']);
    const problems = (() => {
      try {
        loadConfig({
          RATE_LIMIT_TOKEN_PER_IP: 'lots',
          TRUST_PROXY: 'everyone',
          CORS_ALLOWED_ORIGINS: 'https://app.example/path',
          SESSION_COOKIE_NAME: 'bad name',
        });
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    for (const name of [
      'RATE_LIMIT_TOKEN_PER_IP',
      'TRUST_PROXY',
      'CORS_ALLOWED_ORIGINS.0',
      'SESSION_COOKIE_NAME',
    ]) {
      expect(problems).toContain(`- ${name}: `);
    }
  });

  test('defaults trust no proxy and allow no browser origin on the client endpoints', () => {
    const config = loadConfig({});
    expect(config.TRUST_PROXY).toEqual({ kind: 'none' });
    expect(config.CORS_ALLOWED_ORIGINS).toEqual([]);
  });
});

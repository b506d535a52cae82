import { captureLogs } from '@gatehouse/testing';
import { describe, expect, test } from 'vitest';
import { createLogger } from '../src/index.ts';

const SECRETS = {
  bearer: 'Bearer eyJhbGciOiJFUzI1NiJ9.secret-access-token',
  cookie: 'gh_session=secret-session-id',
  refresh: 'rt_secret-refresh-token',
  clientSecret: 'cs_secret-client-secret',
  code: 'ac_secret-authorization-code',
  verifier: 'secret-code-verifier-0123456789',
  upstream: 'gho_secretUpstreamGithubToken0000000000',
};

describe('logger redaction', () => {
  test('censors secrets in headers, params, bodies and nested objects', () => {
    const logs = captureLogs();
    const logger = createLogger({ service: 'test', destination: logs.stream });
    logger.info({
      req: { headers: { authorization: SECRETS.bearer, cookie: SECRETS.cookie, 'user-agent': 'ua' } },
      params: { code: SECRETS.code, code_verifier: SECRETS.verifier, client_id: 'visible-client' },
      body: { refresh_token: SECRETS.refresh, client_secret: SECRETS.clientSecret },
      user: { upstream: { upstream_token: SECRETS.upstream } },
      access_token: SECRETS.bearer,
    });
    const text = logs.text();
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    expect(text).toContain('visible-client');
    expect(text).toContain('[redacted]');
  });

  test('keeps error codes visible', () => {
    const logs = captureLogs();
    const logger = createLogger({ service: 'test', destination: logs.stream });
    logger.error({ err: Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' }) }, 'oops');
    expect(logs.lines()[0]).toMatchObject({
      service: 'test',
      level: 'error',
      msg: 'oops',
      err: { code: 'ECONNREFUSED' },
    });
  });
});

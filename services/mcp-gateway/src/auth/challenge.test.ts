import { describe, expect, test } from '@gatehouse/testing';
import { bearerChallenge, toHttpRefusal, toolResultChallenge } from './challenge.ts';
import { BearerError } from './errors.ts';

const context = {
  resourceMetadataUrl: 'https://gateway.example/.well-known/oauth-protected-resource/mcp',
  defaultScopes: ['repos:read', 'issues:read'],
};

describe('bearer challenges', () => {
  test('no token: 401 with resource_metadata and scope, and no error code (RFC 6750 §3.1)', () => {
    const refusal = toHttpRefusal(BearerError.missingToken(), context);
    expect(refusal.status).toBe(401);
    expect(refusal.headers).toEqual({
      'WWW-Authenticate':
        'Bearer resource_metadata="https://gateway.example/.well-known/oauth-protected-resource/mcp", scope="repos:read issues:read"',
    });
  });

  test('bad token: 401 invalid_token with a description', () => {
    const refusal = toHttpRefusal(BearerError.rejected('expired'), context);
    expect(refusal.status).toBe(401);
    expect(refusal.headers['WWW-Authenticate']).toBe(
      'Bearer resource_metadata="https://gateway.example/.well-known/oauth-protected-resource/mcp", scope="repos:read issues:read", error="invalid_token", error_description="The access token has expired."',
    );
    expect(refusal.body).toEqual({
      jsonrpc: '2.0',
      error: { code: -32000, message: 'The access token has expired.', data: { error: 'invalid_token' } },
      id: null,
    });
  });

  test('malformed request: 400 invalid_request', () => {
    const refusal = toHttpRefusal(BearerError.rejected('token_in_query'), context);
    expect(refusal.status).toBe(400);
    expect(refusal.headers['WWW-Authenticate']).toContain('error="invalid_request"');
  });

  test('missing scope: 403 insufficient_scope listing every scope needed', () => {
    const refusal = toHttpRefusal(
      BearerError.insufficientScope(['repos:read', 'issues:write'], 'needs issues:write'),
      context,
    );
    expect(refusal.status).toBe(403);
    expect(refusal.headers['WWW-Authenticate']).toBe(
      'Bearer resource_metadata="https://gateway.example/.well-known/oauth-protected-resource/mcp", scope="repos:read issues:write", error="insufficient_scope", error_description="needs issues:write"',
    );
  });

  test('keys unreadable: 503 with Retry-After and no challenge (the token may be fine)', () => {
    const refusal = toHttpRefusal(BearerError.unavailable(), context);
    expect(refusal.status).toBe(503);
    expect(refusal.headers).toEqual({ 'Retry-After': '5' });
  });

  test('the tool-result form always carries error and error_description (Apps SDK)', () => {
    expect(toolResultChallenge(BearerError.insufficientScope(['pulls:write'], 'more'), context)).toEqual([
      'Bearer resource_metadata="https://gateway.example/.well-known/oauth-protected-resource/mcp", scope="pulls:write", error="insufficient_scope", error_description="more"',
    ]);
  });

  test('a value can never break out of its quoted-string', () => {
    expect(bearerChallenge({ error_description: 'say "hi"\\ \r\n ünïcode' })).toBe(
      'Bearer error_description="say ?hi?? ?? ?n?code"',
    );
  });
});

import { describe, expect, test } from '@gatehouse/testing';
import type { AccessToken } from '../auth/access-token.ts';
import { answersWithHttp, isAppsSdkHost, missingScopeError } from './step-up.ts';
import { createPullRequest } from './tools/create-pull-request.ts';

const token = (scopes: string[]): AccessToken => ({
  userId: 'u',
  clientId: 'c',
  grantId: 'g',
  scopes,
  tokenId: 'j',
  issuedAt: 0,
  expiresAt: 0,
  keyId: 'k',
});

describe('step-up', () => {
  test('asks for every scope needed, the granted ones included, in catalog order', () => {
    const error = missingScopeError(token(['issues:read', 'repos:read']), createPullRequest as never);
    expect(error.kind).toBe('insufficient_scope');
    expect(error.scopes).toEqual(['repos:read', 'issues:read', 'pulls:write']);
    expect(error.token?.grantId).toBe('g');
  });

  test('recognises ChatGPT by the openai/ hints in the tool call _meta', () => {
    expect(isAppsSdkHost({ name: 'x', _meta: { 'openai/userAgent': 'ChatGPT' } })).toBe(true);
    expect(isAppsSdkHost({ name: 'x', _meta: { progressToken: 1 } })).toBe(false);
    expect(isAppsSdkHost({ name: 'x' })).toBe(false);
    expect(isAppsSdkHost(undefined)).toBe(false);
  });

  test('answers with HTTP 403 unless the caller is an Apps SDK host, or the setting forces a form', () => {
    const chatgpt = { _meta: { 'openai/locale': 'en-US' } };
    expect(answersWithHttp('auto', {})).toBe(true);
    expect(answersWithHttp('auto', chatgpt)).toBe(false);
    expect(answersWithHttp('http', chatgpt)).toBe(true);
    expect(answersWithHttp('tool-result', {})).toBe(false);
  });
});

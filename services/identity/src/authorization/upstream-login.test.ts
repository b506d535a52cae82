import { describe, expect, test } from 'vitest';
import { tokenCovers } from './upstream-login.ts';

describe('whether the stored GitHub token suffices', () => {
  test('an OAuth App token must carry the GitHub scopes the requested scopes need', () => {
    expect(tokenCovers({ scopes: ['repo'], expiring: false }, ['repos:read', 'issues:write'])).toBe(true);
    expect(tokenCovers({ scopes: ['public_repo', 'read:user'], expiring: false }, ['repos:read'])).toBe(
      false,
    );
    expect(tokenCovers({ scopes: [], expiring: false }, ['repos:read'])).toBe(false);
  });

  test('a GitHub App user token (expiring, no OAuth scopes) is governed by the app’s permissions', () => {
    expect(tokenCovers({ scopes: [], expiring: true }, ['pulls:write'])).toBe(true);
  });

  test('no stored token means signing in with GitHub', () => {
    expect(tokenCovers(null, ['repos:read'])).toBe(false);
  });
});

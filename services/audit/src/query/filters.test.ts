import { describe, expect, test } from 'vitest';
import { encodeCursor } from './cursor.ts';
import { DEFAULT_LIMIT, parseQuery, parseTypeFilter } from './filters.ts';

const refusal = (description: string | RegExp) =>
  expect.objectContaining({
    code: 'invalid_request',
    description: typeof description === 'string' ? description : expect.stringMatching(description),
  });

describe('parsing a query', () => {
  test('defaults to the newest 100 events with no filter', () => {
    expect(parseQuery({})).toEqual({ limit: DEFAULT_LIMIT, order: 'newest_first' });
    expect(parseQuery({ limit: 0, user: '', clientId: '' })).toEqual({ limit: 100, order: 'newest_first' });
  });

  test('keeps every filter given, and decodes the cursor', () => {
    const since = new Date('2026-11-01T00:00:00Z');
    const until = new Date('2026-11-02T00:00:00Z');
    const after = {
      occurredAt: new Date('2026-11-01T12:00:00Z'),
      id: '01933b2e-7f00-7a1b-8c2d-3e4f5a6b7c8d',
    };
    expect(
      parseQuery({
        user: 'octocat',
        clientId: 'c1',
        grantId: 'g1',
        type: 'token.',
        outcome: 'denied',
        since,
        until,
        cursor: encodeCursor(after),
        limit: 1000,
        order: 'oldest_first',
      }),
    ).toEqual({
      user: 'octocat',
      clientId: 'c1',
      grantId: 'g1',
      type: { prefix: 'token.' },
      outcome: 'denied',
      since,
      until,
      after,
      limit: 1000,
      order: 'oldest_first',
    });
  });

  test.for([1001, -1, 2.5])('refuses limit %s', (limit) => {
    expect(() => parseQuery({ limit })).toThrow(refusal('limit must be an integer between 1 and 1000'));
  });

  test('refuses an empty or inverted time range', () => {
    const t = new Date('2026-11-01T00:00:00Z');
    expect(() => parseQuery({ since: t, until: t })).toThrow(refusal('since must be earlier than until'));
  });

  test('refuses an oversized or NUL-bearing text filter, naming it as the caller spelled it', () => {
    expect(() => parseQuery({ githubLogin: 'x'.repeat(513) })).toThrow(
      refusal('github_login must be text of at most 512 characters'),
    );
    expect(() => parseQuery({ clientId: 'a\u0000b' })).toThrow(refusal(/^client_id /));
  });
});

describe('type filters', () => {
  test('an exact taxonomy entry, or a prefix ending in "." at any depth', () => {
    expect(parseTypeFilter('token.grant.revoked')).toEqual({ exact: 'token.grant.revoked' });
    expect(parseTypeFilter('token.')).toEqual({ prefix: 'token.' });
    expect(parseTypeFilter('token.refresh_token.')).toEqual({ prefix: 'token.refresh_token.' });
  });

  test.for(['token', 'token.grant', 'TOKEN.', 'token.%', 'tok_n.', '.', 'token..', 'nothing.'])(
    'refuses %j',
    (value) => {
      expect(() => parseTypeFilter(value)).toThrow(
        refusal(/^(unknown event type|no event type starts with)/),
      );
    },
  );
});

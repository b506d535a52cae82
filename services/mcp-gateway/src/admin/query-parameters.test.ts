import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Order, Outcome } from '@gatehouse/proto';
import { describe, expect, test } from 'vitest';
import { describeFilters, parseAuditEventsQuery } from './query-parameters.ts';

const now = new Date('2026-11-23T12:00:00.000Z');

describe('admin query parameters', () => {
  test('map onto the audit service’s request, page by page as JSON by default', () => {
    const query = parseAuditEventsQuery(
      {
        user: 'octocat',
        user_id: 'u1',
        github_login: 'Octocat',
        client_id: 'c1',
        grant_id: 'g1',
        type: 'token.',
        outcome: 'failure',
        since: '24h',
        until: '2026-11-23T11:00:00Z',
        limit: '50',
        cursor: 'abc',
        order: 'oldest_first',
      },
      'application/json',
      now,
    );
    expect(query.format).toBe('json');
    expect(query.maxEvents).toBeUndefined();
    expect(query.request).toMatchObject({
      user: 'octocat',
      userId: 'u1',
      githubLogin: 'Octocat',
      clientId: 'c1',
      grantId: 'g1',
      type: 'token.',
      outcome: Outcome.FAILURE,
      since: timestampFromDate(new Date('2026-11-22T12:00:00.000Z')),
      until: timestampFromDate(new Date('2026-11-23T11:00:00.000Z')),
      limit: 50,
      cursor: 'abc',
      order: Order.OLDEST_FIRST,
    });
  });

  test('an export (Accept or format) pages by 1000, caps the total with limit, and ends now', () => {
    const byAccept = parseAuditEventsQuery({}, 'text/plain, application/x-ndjson;q=0.9', now);
    expect(byAccept).toMatchObject({ format: 'ndjson', maxEvents: undefined, request: { limit: 1000 } });
    expect(byAccept.request.until).toEqual(timestampFromDate(now));
    expect(parseAuditEventsQuery({ format: 'ndjson', limit: '25000' }, undefined, now)).toMatchObject({
      maxEvents: 25000,
      request: { limit: 1000 },
    });
    expect(parseAuditEventsQuery({ format: 'json' }, 'application/x-ndjson', now).format).toBe('json');
    expect(parseAuditEventsQuery({}, 'application/x-ndjsonx', now).format).toBe('json');
  });

  test.for([
    [{ nope: '1' }, 'unknown query parameter "nope"'],
    [{ type: ['a', 'b'] }, 'type must be given once'],
    [{ user: 'x'.repeat(2049) }, 'user is too long'],
    [{ limit: '-1' }, 'limit must be a positive whole number'],
    [{ limit: '1.5' }, 'limit must be a positive whole number'],
    [{ outcome: 'OUTCOME_DENIED' }, 'outcome must be success, failure or denied'],
    [{ order: 'asc' }, 'order must be newest_first or oldest_first'],
    [{ format: 'csv' }, 'format must be json or ndjson'],
    [{ until: 'tomorrow' }, 'until must be a time ago (30s, 15m, 24h, 7d, 2w) or ISO-8601 with an offset'],
  ] as const)('refuses %j', ([query, description]) => {
    expect(() => parseAuditEventsQuery(query, undefined, now)).toThrow(
      expect.objectContaining({ code: 'invalid_request', httpStatus: 400, description }),
    );
  });

  test('describes the filters for the audit record, never the cursor', () => {
    expect(describeFilters({ user: 'octocat', cursor: 'secret-ish', since: '24h', format: 'ndjson' })).toBe(
      'user=octocat since=24h',
    );
  });
});

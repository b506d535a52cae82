import { BusError } from '@gatehouse/bus';
import { describe, expect, test } from '@gatehouse/testing';
import { failureOf } from './failures.ts';

describe('failureOf', () => {
  test("passes the worker's client-safe descriptions on for GitHub's own refusals", () => {
    for (const code of ['not_found', 'access_denied', 'invalid_request'] as const) {
      expect(
        failureOf(new BusError(code, 'GitHub refused the request: No commits between main and x')),
      ).toEqual({
        code,
        message: 'GitHub refused the request: No commits between main and x',
        reconnect: false,
      });
    }
  });

  test('says when to retry after a rate limit', () => {
    expect(failureOf(new BusError('rate_limited', 'x', { retryAfterSeconds: 42 })).message).toBe(
      "GitHub's rate limit was reached; retry after 42 s.",
    );
    expect(failureOf(new BusError('rate_limited', 'x')).message).toBe(
      "GitHub's rate limit was reached; retry later.",
    );
  });

  test('asks to reconnect GitHub when the worker reports the upstream connection dead (invalid_grant)', () => {
    expect(failureOf(new BusError('invalid_grant', 'GitHub no longer accepts this connection'))).toEqual({
      code: 'invalid_grant',
      message: 'GitHub no longer accepts this connection; reconnect GitHub to continue.',
      reconnect: true,
    });
  });

  test('never shows an unexpected error or an internal detail', () => {
    expect(failureOf(new Error('ECONNRESET at 10.0.0.3 with token gho_secret'))).toEqual({
      code: 'internal',
      message: 'The request failed unexpectedly.',
      reconnect: false,
    });
    expect(failureOf(new BusError('internal', 'stack trace here')).message).toBe(
      'The request failed unexpectedly.',
    );
    expect(failureOf(new BusError('unavailable', 'nats timeout')).message).toBe(
      'GitHub cannot be reached right now; retry shortly.',
    );
  });
});

import { describe, expect, test } from '@gatehouse/testing';
import { DeadlineExceeded } from './client.ts';
import { retryAfterSeconds, toWorkerError, validationDetail } from './errors.ts';

// The mapping's edge cases; the common paths run against the emulator in test/*.test.ts.

/** The shape Octokit's RequestError has, for statuses the emulator does not produce. */
function httpError(status: number, data: unknown, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`HTTP ${status}`), {
    name: 'HttpError',
    status,
    request: { method: 'GET', url: 'https://api.github.com/repos/o/r?q=secret-search' },
    response: { headers: { 'x-github-request-id': 'AB:CD', ...headers }, data },
  });
}

const read = { subject: 'Repository o/r', action: 'reading the repository', idempotent: true };
const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('retryAfterSeconds', () => {
  test('reads Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3)', () => {
    expect(retryAfterSeconds({ 'retry-after': '17' }, NOW)).toBe(17);
    expect(retryAfterSeconds({ 'retry-after': new Date(NOW + 90_000).toUTCString() }, NOW)).toBe(90);
  });

  test("falls back to the primary limit's reset time, then to GitHub's advised minute", () => {
    const reset = String(NOW / 1000 + 125);
    expect(retryAfterSeconds({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, NOW)).toBe(125);
    expect(retryAfterSeconds({}, NOW)).toBe(60);
    expect(retryAfterSeconds({ 'retry-after': 'soon' }, NOW)).toBe(60);
  });

  test('never answers less than a second', () => {
    expect(retryAfterSeconds({ 'retry-after': '0' }, NOW)).toBe(1);
  });
});

describe('validationDetail', () => {
  test("words each entry of GitHub's errors array, preferring GitHub's own message", () => {
    expect(
      validationDetail({
        message: 'Validation Failed',
        errors: [
          { resource: 'Issue', code: 'missing_field', field: 'title' },
          { resource: 'Label', code: 'already_exists', field: 'name' },
          { resource: 'PullRequest', code: 'custom', message: 'No commits between main and feature-x' },
          { resource: 'Issue', code: 'invalid', field: 'assignees' },
          { resource: 'Issue', code: 'invalid', field: 'assignees' },
          'a plain string error',
        ],
      }),
    ).toBe(
      'title is required; Label with this name already exists; No commits between main and feature-x; assignees is invalid; a plain string error',
    );
  });

  test("uses GitHub's message when there is no errors array", () => {
    expect(validationDetail({ message: 'Only the first 1000 search results are available' })).toBe(
      'Only the first 1000 search results are available',
    );
  });

  test('keeps what it shows to one line', () => {
    expect(validationDetail({ errors: [{ message: 'line one\nline two' }] })).toBe('line one line two');
  });
});

describe('toWorkerError', () => {
  test.each([
    [
      400,
      { message: 'Problems parsing JSON' },
      'invalid_request',
      'GitHub refused the request: Problems parsing JSON',
    ],
    [
      409,
      { message: 'Git Repository is empty.' },
      'conflict',
      'GitHub refused the request: Git Repository is empty.',
    ],
    [
      451,
      { message: 'Repository access blocked' },
      'invalid_request',
      'GitHub refused the request: Repository access blocked',
    ],
    [
      504,
      { message: 'Gateway Timeout' },
      'unavailable',
      'GitHub is not available right now; try again shortly',
    ],
  ])('maps HTTP %i', (status, data, code, description) => {
    expect(toWorkerError(httpError(status, data), read)).toMatchObject({ code, description });
  });

  test('treats a 403 that names a rate limit as one, and other 403s as access_denied', () => {
    expect(
      toWorkerError(httpError(403, { message: 'API rate limit exceeded for user ID 1.' }), read, NOW),
    ).toMatchObject({
      code: 'rate_limited',
      retryAfterSeconds: 60,
    });
    expect(
      toWorkerError(httpError(403, { message: 'Resource not accessible by integration' }), read),
    ).toMatchObject({
      code: 'access_denied',
      description: 'GitHub refused access: Resource not accessible by integration',
    });
  });

  test('keeps the query string (search terms) out of the logged reason', () => {
    const error = toWorkerError(httpError(404, { message: 'Not Found' }), read);
    expect(error.reason).toBe('GitHub GET /repos/o/r → 404 (request id AB:CD): Not Found');
  });

  test('names a deadline as a timeout and anything unexpected as internal, with tokens cut from the reason', () => {
    expect(toWorkerError(new DeadlineExceeded(), read)).toMatchObject({
      code: 'unavailable',
      description: 'GitHub did not answer in time; try again shortly',
    });
    const internal = toWorkerError(
      new TypeError('bad header "token gho_abcdefghijklmnopqrstuvwxyz0123456789"'),
      read,
    );
    expect(internal).toMatchObject({ code: 'internal', description: 'An internal error occurred.' });
    expect(internal.reason).toBe('TypeError: bad header "token [redacted]" during GitHub call');
  });
});

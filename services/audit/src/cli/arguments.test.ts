import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Order, Outcome } from '@gatehouse/proto';
import { describe, expect, test } from 'vitest';
import { parseCliArguments } from './arguments.ts';

const now = new Date('2026-11-23T12:00:00.000Z');

describe('CLI arguments', () => {
  test('reads the operator’s example into one query', () => {
    const command = parseCliArguments(['--user', 'octocat', '--since', '24h', '--type', 'token.'], now);
    expect(command?.format).toBe('table');
    expect(command?.request).toMatchObject({
      user: 'octocat',
      type: 'token.',
      since: timestampFromDate(new Date('2026-11-22T12:00:00.000Z')),
      limit: 0,
      order: Order.NEWEST_FIRST,
    });
    expect(command?.request.until).toBeUndefined();
  });

  test('maps every filter and output flag', () => {
    const command = parseCliArguments(
      [
        '--user-id=u1',
        '--login=Octocat',
        '--client=c1',
        '--grant=g1',
        '--outcome=denied',
        '--until=2026-11-23T11:00:00Z',
        '--limit=50',
        '--cursor=abc',
        '--oldest-first',
        '--json',
      ],
      now,
    );
    expect(command).toMatchObject({
      format: 'json',
      maxEvents: undefined,
      request: {
        userId: 'u1',
        githubLogin: 'Octocat',
        clientId: 'c1',
        grantId: 'g1',
        outcome: Outcome.DENIED,
        until: timestampFromDate(new Date('2026-11-23T11:00:00Z')),
        limit: 50,
        cursor: 'abc',
        order: Order.OLDEST_FIRST,
      },
    });
  });

  test('--ndjson pages by 1000 and caps the total with --limit', () => {
    expect(parseCliArguments(['--ndjson'], now)).toMatchObject({
      format: 'ndjson',
      maxEvents: undefined,
      request: { limit: 1000 },
    });
    expect(parseCliArguments(['--ndjson', '--limit', '5000'], now)).toMatchObject({
      maxEvents: 5000,
      request: { limit: 1000 },
    });
    expect(parseCliArguments(['--ndjson', '--limit', '20'], now)).toMatchObject({
      maxEvents: 20,
      request: { limit: 20 },
    });
  });

  test('asks for the usage with --help', () => {
    expect(parseCliArguments(['--help'], now)).toBeUndefined();
  });

  test.for([
    [['--frobnicate'], /Unknown option '--frobnicate'/],
    [['positional'], /Unexpected argument 'positional'/],
    [['--user'], /argument missing/],
    [['--json', '--ndjson'], /--json and --ndjson are exclusive/],
    [['--limit', '0'], /--limit must be a positive whole number/],
    [['--limit', '1e3'], /--limit must be a positive whole number/],
    [['--limit', '1001'], /at most 1000 for a page/],
    [['--outcome', 'ok'], /--outcome must be success, failure or denied/],
    [['--since', 'yesterday'], /--since must be a time ago/],
    [['--until', '2026-11-23T10:00:00'], /--until must be a time ago .* with an offset/],
  ] as const)('refuses %j', ([argv, message]) => {
    expect(() => parseCliArguments(argv, now)).toThrow(
      expect.objectContaining({ name: 'UsageError', message: expect.stringMatching(message) }),
    );
  });
});

import { describe, expect, test } from '@gatehouse/testing';
import { cacheLifetimeSeconds, FetchRefused, GuardedFetcher } from './guarded-fetch.ts';

describe('cacheLifetimeSeconds', () => {
  test.for([
    [undefined, undefined],
    ['', undefined],
    ['public', undefined],
    ['max-age=120', 120],
    ['public, max-age=3600, must-revalidate', 3600],
    ['MAX-AGE=60', 60],
    ['max-age="90"', 90],
    ['max-age=-5', undefined],
    ['max-age=abc', undefined],
    ['no-store', 0],
    ['max-age=600, no-cache', 0],
  ] as const)('%j → %j', ([header, expected]) => {
    expect(cacheLifetimeSeconds(header)).toBe(expected);
  });
});

describe('GuardedFetcher refusals before any connection', () => {
  const fetcher = new GuardedFetcher({ devHosts: new Set(['127.0.0.1:9']), timeoutMs: 500 });

  test.for([
    ['http://example.com/client.json', 'scheme'],
    ['ftp://example.com/client.json', 'scheme'],
    ['https://127.0.0.1/client.json', 'address'],
    ['https://[::1]/client.json', 'address'],
    ['https://169.254.169.254/latest', 'address'],
    ['https://0x7f.1/client.json', 'address'],
    ['https://2130706433/client.json', 'address'],
  ] as const)('refuses %s (%s)', async ([url, refusal]) => {
    const error = await fetcher.fetchJson(url, { maxBytes: 1_024 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchRefused);
    expect((error as FetchRefused).refusal).toBe(refusal);
  });

  test('refuses a name that resolves to loopback at connect time', async () => {
    const error = await fetcher
      .fetchJson('https://localhost:1/x.json', { maxBytes: 1_024 })
      .catch((e: unknown) => e);
    expect((error as FetchRefused).refusal).toBe('address');
  });
});

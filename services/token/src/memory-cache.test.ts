import { describe, expect, test } from '@gatehouse/testing';
import { MemoryCache } from './memory-cache.ts';

describe('MemoryCache', () => {
  test('forgets entries when they expire', () => {
    const cache = new MemoryCache<string>(10);
    cache.set('a', 'A', 1_000, 0);
    expect(cache.get('a', 999)).toBe('A');
    expect(cache.get('a', 1_000)).toBeUndefined();
  });

  test('evicts the oldest entry beyond its size', () => {
    const cache = new MemoryCache<number>(2);
    cache.set('a', 1, 1_000, 0);
    cache.set('b', 2, 1_000, 0);
    cache.set('c', 3, 1_000, 0);
    expect([cache.get('a', 1), cache.get('b', 1), cache.get('c', 1)]).toEqual([undefined, 2, 3]);
  });

  test('keeps nothing with a TTL of zero', () => {
    const cache = new MemoryCache<number>(2);
    cache.set('a', 1, 0, 0);
    expect(cache.has('a', 0)).toBe(false);
  });
});

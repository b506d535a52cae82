import { describe, expect, test } from '@gatehouse/testing';
import fc from 'fast-check';
import {
  CachedUpstreamTokens,
  EXPIRY_MARGIN_MS,
  maskToken,
  type UpstreamToken,
  type UpstreamTokenSource,
} from './upstream-tokens.ts';

/** A source that numbers the tokens it hands out and can hold its answers back. */
class CountingSource implements UpstreamTokenSource {
  gets = 0;
  refreshes = 0;
  expiresAt: Date | undefined;
  gate: Promise<void> = Promise.resolve();

  async get(): Promise<UpstreamToken> {
    this.gets += 1;
    await this.gate;
    return { accessToken: `gho_get_${this.gets}`, expiresAt: this.expiresAt };
  }

  async refresh(): Promise<UpstreamToken> {
    this.refreshes += 1;
    await this.gate;
    return { accessToken: `gho_refreshed_${this.refreshes}`, expiresAt: undefined };
  }
}

function setup(options: { ttlMs?: number; maxEntries?: number } = {}) {
  const clock = { now: 1_000_000 };
  const source = new CountingSource();
  const cache = new CachedUpstreamTokens(source, {
    ttlMs: options.ttlMs ?? 60_000,
    maxEntries: options.maxEntries ?? 100,
    now: () => clock.now,
  });
  return { clock, source, cache };
}

const FAR = Number.MAX_SAFE_INTEGER;

describe('CachedUpstreamTokens', () => {
  test('reuses a token within the TTL and asks again after it', async () => {
    const { clock, source, cache } = setup({ ttlMs: 60_000 });
    const first = await cache.get('u1', FAR);
    clock.now += 59_999;
    expect(await cache.get('u1', FAR)).toBe(first);
    clock.now += 1;
    expect((await cache.get('u1', FAR)).accessToken).toBe('gho_get_2');
    expect(source.gets).toBe(2);
  });

  test('never keeps a token past its own expiry (less the safety margin), even within the TTL', async () => {
    const { clock, source, cache } = setup({ ttlMs: 60_000 });
    source.expiresAt = new Date(clock.now + EXPIRY_MARGIN_MS + 10_000);
    await cache.get('u1', FAR);
    clock.now += 10_000;
    await cache.get('u1', FAR);
    expect(source.gets).toBe(2);
  });

  test('refreshes a token that arrives already inside its expiry margin', async () => {
    const { clock, source, cache } = setup();
    source.expiresAt = new Date(clock.now + EXPIRY_MARGIN_MS - 1);
    const token = await cache.get('u1', FAR);
    expect(token.accessToken).toBe('gho_refreshed_1');
    expect(source.refreshes).toBe(1);
  });

  test('with a TTL of 0 caches nothing', async () => {
    const { source, cache } = setup({ ttlMs: 0 });
    await cache.get('u1', FAR);
    await cache.get('u1', FAR);
    expect(source.gets).toBe(2);
    expect(cache.size).toBe(0);
  });

  test('shares one fetch among concurrent callers for the same person', async () => {
    const { source, cache } = setup();
    let open = () => {};
    source.gate = new Promise((resolve) => {
      open = resolve;
    });
    const pending = [cache.get('u1', FAR), cache.get('u1', FAR), cache.get('u2', FAR)];
    open();
    const [a, b, c] = await Promise.all(pending);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(source.gets).toBe(2);
  });

  test('answers a refresh of an already replaced token with the replacement, without asking again', async () => {
    const { source, cache } = setup();
    const stale = await cache.get('u1', FAR);
    const [first, second] = await Promise.all([
      cache.refresh('u1', stale, FAR),
      cache.refresh('u1', stale, FAR),
    ]);
    expect(first).toBe(second);
    expect(await cache.refresh('u1', stale, FAR)).toBe(first);
    expect(source.refreshes).toBe(1);
    expect(await cache.get('u1', FAR)).toBe(first);
  });

  test('does not cache a token fetched while the person was being forgotten', async () => {
    const { source, cache } = setup();
    let open = () => {};
    source.gate = new Promise((resolve) => {
      open = resolve;
    });
    const pending = cache.get('u1', FAR);
    cache.forget('u1');
    open();
    await pending;
    expect(cache.size).toBe(0);
  });

  test('keeps at most maxEntries people, dropping the oldest fetch first', async () => {
    const { source, cache } = setup({ maxEntries: 2 });
    await cache.get('a', FAR);
    await cache.get('b', FAR);
    await cache.get('c', FAR);
    expect(cache.size).toBe(2);
    await cache.get('b', FAR);
    await cache.get('c', FAR);
    expect(source.gets).toBe(3);
    await cache.get('a', FAR);
    expect(source.gets).toBe(4);
  });

  test('a failed fetch is not cached and the next call asks again', async () => {
    const { source, cache } = setup();
    source.gate = Promise.reject(new Error('identity down'));
    source.gate.catch(() => {});
    await expect(cache.get('u1', FAR)).rejects.toThrow('identity down');
    source.gate = Promise.resolve();
    expect((await cache.get('u1', FAR)).accessToken).toBe('gho_get_2');
  });
});

describe('maskToken', () => {
  test('shows the first and last four characters of a GitHub token', () => {
    expect(maskToken('gho_16C7e42F292c6912E7710c838347Ae178B4a')).toBe('gho_…8B4a');
  });

  test('never shows more than eight characters of any token, and none of a short one', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 200 }), (token) => {
        const shown = maskToken(token).replace('…', '');
        expect(shown.length).toBeLessThanOrEqual(8);
        if (token.length < 20) expect(shown).toBe('');
        else expect(shown).toBe(token.slice(0, 4) + token.slice(-4));
      }),
    );
  });
});

import Bottleneck from 'bottleneck/light.js';
import { describe, expect, test, vi } from 'vitest';
import { speedUpBottleneckYields } from './bottleneck-yield.ts';

describe('Bottleneck yields', () => {
  test('a zero-delay yield uses setImmediate instead of a clamped timer, and scheduling still works', async () => {
    expect(speedUpBottleneckYields()).toBe(true);
    const limiter = new Bottleneck({ maxConcurrent: 2 });
    const store = (limiter as unknown as { _store: { yieldLoop(t?: number): Promise<void> } })._store;
    const immediate = vi.spyOn(globalThis, 'setImmediate');
    const timeout = vi.spyOn(globalThis, 'setTimeout');
    await store.yieldLoop();
    expect(immediate).toHaveBeenCalledTimes(1);
    expect(timeout).not.toHaveBeenCalled();
    await store.yieldLoop(5);
    expect(timeout).toHaveBeenCalledWith(expect.any(Function), 5);
    vi.restoreAllMocks();
    const results = await Promise.all([1, 2, 3, 4].map((n) => limiter.schedule(async () => n * 2)));
    expect(results).toEqual([2, 4, 6, 8]);
    expect(speedUpBottleneckYields()).toBe(true);
  });
});

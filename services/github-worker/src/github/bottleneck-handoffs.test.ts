import Bottleneck from 'bottleneck/light.js';
import { describe, expect, test, vi } from 'vitest';
import { speedUpBottleneck } from './bottleneck-handoffs.ts';

describe('Bottleneck hand-offs', () => {
  test('zero-delay yields and job starts use setImmediate, never a clamped timer', async () => {
    expect(speedUpBottleneck()).toBe(true);
    const limiter = new Bottleneck({ maxConcurrent: 2 });
    const zeroTimers = vi.spyOn(globalThis, 'setTimeout');
    const immediates = vi.spyOn(globalThis, 'setImmediate');
    const results = await Promise.all([1, 2, 3, 4].map((n) => limiter.schedule(async () => n * 2)));
    expect(results).toEqual([2, 4, 6, 8]);
    expect(zeroTimers.mock.calls.filter(([, delay]) => !delay)).toEqual([]);
    expect(immediates).toHaveBeenCalled();
    vi.restoreAllMocks();
    expect(speedUpBottleneck()).toBe(true);
  });

  test('positive delays keep their timers: a spaced limiter still spaces its jobs', async () => {
    speedUpBottleneck();
    const limiter = new Bottleneck({ maxConcurrent: 1, minTime: 40 });
    const started: number[] = [];
    await Promise.all([1, 2, 3].map(() => limiter.schedule(async () => started.push(performance.now()))));
    expect(started).toHaveLength(3);
    expect(started[1]! - started[0]!).toBeGreaterThanOrEqual(35);
    expect(started[2]! - started[1]!).toBeGreaterThanOrEqual(35);
  });

  test('a job that throws still rejects its caller and frees its slot', async () => {
    speedUpBottleneck();
    const limiter = new Bottleneck({ maxConcurrent: 1 });
    await expect(limiter.schedule(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.schedule(async () => 'next')).resolves.toBe('next');
  });
});

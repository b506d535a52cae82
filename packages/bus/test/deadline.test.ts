import { describe, expect, test } from 'vitest';
import { deadlineSignal } from '../src/index.ts';

describe('deadlineSignal', () => {
  test('aborts at the deadline with a TimeoutError', async () => {
    const { signal } = deadlineSignal(Date.now() + 20);
    expect(signal.aborted).toBe(false);
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    expect((signal.reason as DOMException).name).toBe('TimeoutError');
  });

  test('released, it never aborts: the timer is gone', async () => {
    const { signal, release } = deadlineSignal(Date.now() + 20);
    release();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(signal.aborted).toBe(false);
  });

  test('aborts with its parent, before its own deadline', () => {
    const parent = new AbortController();
    const { signal, release } = deadlineSignal(Date.now() + 60_000, parent.signal);
    parent.abort(new Error('caller gone'));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('caller gone');
    release();
  });

  test('a deadline already past aborts at once (on the next turn)', async () => {
    const { signal } = deadlineSignal(Date.now() - 1_000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(signal.aborted).toBe(true);
  });
});

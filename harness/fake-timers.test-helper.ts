import { vi } from 'vitest';

/**
 * Run `work` under fake timers (setTimeout, Date, performance), jumping to the next timer
 * whenever it waits on one, until it settles: backoff windows of seconds pass at once and always
 * the same way. Real I/O still completes (setImmediate stays real and yields to it).
 */
export async function withFakeTimers<T>(work: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  try {
    let settled = false;
    const result = work().finally(() => (settled = true));
    result.catch(() => undefined);
    while (!settled) {
      await new Promise((resolve) => setImmediate(resolve));
      await vi.advanceTimersToNextTimerAsync();
    }
    return await result;
  } finally {
    vi.useRealTimers();
  }
}

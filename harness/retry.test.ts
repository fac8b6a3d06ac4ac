import { describe, expect, it, vi } from 'vitest';
import { retry, stopRetrying } from './retry.ts';

describe('retry', () => {
  it('retries failures with backoff until an attempt succeeds', async () => {
    const seen: number[] = [];
    const result = await retry(
      async (n) => {
        if (n < 3) throw new Error(`try ${n}`);
        return 'ok';
      },
      { windowMs: 5_000, minDelayMs: 1, maxDelayMs: 2, onRetry: (_e, n) => seen.push(n) },
    );
    expect(result).toBe('ok');
    expect(seen).toEqual([1, 2]);
  });

  it('rethrows the last error once the window is spent', async () => {
    let attempts = 0;
    await expect(
      retry(
        async () => {
          attempts++;
          throw new Error('still down');
        },
        { windowMs: 60, minDelayMs: 5, maxDelayMs: 5 },
      ),
    ).rejects.toThrow('still down');
    expect(attempts).toBeGreaterThan(2);
  });

  it('fails at once on an error that is not worth retrying', async () => {
    let attempts = 0;
    const fatal = new Error('forbidden');
    await expect(
      retry(
        async () => {
          attempts++;
          throw fatal;
        },
        { windowMs: 5_000, shouldRetry: (e) => e !== fatal },
      ),
    ).rejects.toBe(fatal);
    expect(attempts).toBe(1);
  });

  it('waits at least as long as the failure asked (Retry-After) before the next attempt', async () => {
    const asked = Object.assign(new Error('429'), { retryAfterMs: 120 });
    const times: number[] = [];
    await retry(
      async (n) => {
        times.push(performance.now());
        if (n === 1) throw asked;
        return 'ok';
      },
      { windowMs: 5_000, minDelayMs: 1, maxDelayMs: 1, retryAfterMs: (e) => (e as typeof asked).retryAfterMs },
    );
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(115);
  });

  it('waits what the failure asked, not that and the backoff on top, when it asked for longer', async () => {
    // The pauses it schedules between attempts (timers are late on a loaded machine, never early).
    const delays: number[] = [];
    const setTimer = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return setImmediate(fn) as unknown as NodeJS.Timeout;
    }) as typeof setTimeout);
    try {
      await retry(
        async (n) => {
          if (n < 3) throw new Error('429');
          return 'ok';
        },
        { windowMs: 5_000, minDelayMs: 100, maxDelayMs: 150, retryAfterMs: () => 300 },
      );
    } finally {
      setTimer.mockRestore();
    }
    // 300 ms before each of the two retries (not 400 and 450): the backoff's 100 and 150 ms are part of them.
    expect(delays.reduce((a, b) => a + b, 0)).toBe(600);
  });

  it('does not wait for Retry-After on a failure it will not retry, nor past its window', async () => {
    const started = performance.now();
    const fatal = Object.assign(new Error('forbidden'), { retryAfterMs: 5_000 });
    await expect(
      retry(
        async () => {
          throw fatal;
        },
        { windowMs: 5_000, shouldRetry: () => false, retryAfterMs: () => 5_000 },
      ),
    ).rejects.toBe(fatal);
    await expect(
      retry(
        async () => {
          throw new Error('busy');
        },
        { windowMs: 100, minDelayMs: 1, maxDelayMs: 1, retryAfterMs: () => 5_000 },
      ),
    ).rejects.toThrow('busy');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('stops when an attempt says so', async () => {
    let attempts = 0;
    await expect(
      retry(
        async () => {
          attempts++;
          throw stopRetrying(new Error('denied by admission'));
        },
        { windowMs: 5_000 },
      ),
    ).rejects.toThrow('denied by admission');
    expect(attempts).toBe(1);
  });

  it('stops when its signal aborts', async () => {
    const controller = new AbortController();
    const done = retry(
      async () => {
        throw new Error('not yet');
      },
      { windowMs: 60_000, minDelayMs: 10, signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error('run cancelled')), 30);
    await expect(done).rejects.toThrow(/run cancelled|not yet/);
  });
});

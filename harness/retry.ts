import pRetry, { AbortError } from 'p-retry';

/**
 * The one retry primitive: call `attempt` until it resolves, backing off exponentially between
 * failures, for at most `windowMs` of retrying. Built on p-retry so every loop in kindgate (API
 * server start, unknown kinds after a CRD install, webhook start, TCP reach, HTTP consistency)
 * shares one backoff, one abort path and one place to read.
 */
export interface RetryOptions {
  /** How long failures may be retried, from the first attempt; the last error is rethrown after. */
  windowMs: number;
  /** First pause between attempts (doubles each time). Default 250 ms. */
  minDelayMs?: number;
  /** Longest pause between attempts. Default 4 s. */
  maxDelayMs?: number;
  /** Whether this failure is worth another attempt; a false answer rethrows it at once. */
  shouldRetry?(error: Error): boolean;
  /** Told about each failure that will be retried (for a debug line). */
  onRetry?(error: Error, attempt: number): void;
  /**
   * How long the server asked to wait before the next attempt (HTTP Retry-After); the pause is
   * then that long when it is longer than the backoff's (never past the window), as client-go
   * pauses (k8s.io/client-go/rest/with_retry.go, Before: the larger of the backoff and Retry-After).
   */
  retryAfterMs?(error: Error): number | undefined;
  /** Aborting stops the retries; the pending attempt's error (or the abort reason) is thrown. */
  signal?: AbortSignal;
}

export async function retry<T>(attempt: (attemptNumber: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { windowMs, minDelayMs = 250, maxDelayMs = 4_000, shouldRetry, onRetry, retryAfterMs, signal } = options;
  const started = performance.now();
  return pRetry(attempt, {
    retries: Number.POSITIVE_INFINITY,
    factor: 2,
    minTimeout: minDelayMs,
    maxTimeout: maxDelayMs,
    randomize: false,
    maxRetryTime: windowMs,
    signal,
    shouldRetry: ({ error }) => shouldRetry?.(error) ?? true,
    onFailedAttempt: async ({ error, attemptNumber, retriesLeft, retriesConsumed }) => {
      if (retriesLeft > 0) onRetry?.(error, attemptNumber);
      // p-retry's own backoff comes after this: the two together make the pause what was asked.
      const asked = retriesLeft > 0 && (shouldRetry?.(error) ?? true) ? retryAfterMs?.(error) : undefined;
      const backoff = Math.min(maxDelayMs, Math.round(minDelayMs * 2 ** retriesConsumed));
      const left = windowMs - (performance.now() - started);
      if (asked && asked > backoff && left > 0) await pause(Math.min(asked - backoff, left), signal);
    },
  });
}

/** Wait `ms`, or less when `signal` aborts (the retry then ends with the abort, as p-retry does). */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Thrown from inside an attempt: stop retrying and fail with `error` as it is. */
export function stopRetrying(error: Error): Error {
  return new AbortError(error);
}

import { retry } from '../retry.ts';
import { apiStatus } from './api-error.ts';

/**
 * Transient API failures and how idempotent requests ride them out, as client-go does: a request
 * answered 429 or 5xx is sent again after a pause, at least as long as the server's Retry-After
 * (k8s.io/client-go/rest/request.go: checkWait, retryAfterSeconds; rest/with_retry.go), and a
 * connection reset mid-request is retried too. Only idempotent requests go through this (get,
 * list, server-side apply, delete): sending them twice does no harm.
 */

/** 429 TooManyRequests, 500, 502, 503 ServiceUnavailable, 504: the server may answer next time. */
const TRANSIENT_CODES = new Set([429, 500, 502, 503, 504]);
/** A connection that broke mid-request; a refused one is not here (the server is not there). */
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** How long a request is retried, in all (the request timeout of one attempt is 30 s apart). */
export const TRANSIENT_RETRY_WINDOW_MS = 30_000;

export function isTransient(err: unknown): boolean {
  const { code } = apiStatus(err);
  if (code !== undefined) return TRANSIENT_CODES.has(code);
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const x = e as { code?: unknown; cause?: unknown };
    if (typeof x.code === 'string' && TRANSIENT_NETWORK_CODES.has(x.code)) return true;
    e = x.cause;
  }
  return false;
}

/** The server's Retry-After in ms: the header, else the Status details' retryAfterSeconds. */
export function retryAfterMs(err: unknown): number | undefined {
  const headers = (err as { headers?: Record<string, string | undefined> } | undefined)?.headers;
  const header = headers && Object.entries(headers).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
  const details = (apiStatus(err).status as { details?: { retryAfterSeconds?: number } }).details;
  const seconds = header !== undefined && /^\d+$/.test(header.trim()) ? Number(header) : details?.retryAfterSeconds;
  return typeof seconds === 'number' && seconds > 0 ? Math.min(seconds, 60) * 1000 : undefined;
}

/**
 * Send an idempotent request until it gets a non-transient answer (or the window is spent);
 * aborting `signal` (a cancelled run) ends the retries.
 */
export function retryTransient<T>(
  request: () => Promise<T>,
  opts: { windowMs?: number; signal?: AbortSignal } = {},
): Promise<T> {
  const { windowMs = TRANSIENT_RETRY_WINDOW_MS, signal } = opts;
  return retry(request, {
    windowMs,
    minDelayMs: 200,
    maxDelayMs: 5_000,
    shouldRetry: isTransient,
    retryAfterMs,
    signal,
  });
}

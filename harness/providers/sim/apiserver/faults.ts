import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, statusBody } from './responses.ts';

/**
 * Faults the simulated API server injects (`--sim-faults`), as a real kube-apiserver throws them
 * at clients under load: latency, and transient errors clients are expected to retry.
 *
 * - 429 TooManyRequests with `Retry-After: 1`, as the max-in-flight filter answers
 *   (k8s.io/apiserver/pkg/server/filters/maxinflight.go, tooManyRequests);
 * - 503 ServiceUnavailable with `Retry-After: 1`, as an overloaded or restarting server does;
 * - 500 InternalError.
 * Health probes are never faulted: they say whether the server is up, not how it behaves.
 */

export interface ApiFaults {
  /** Fraction of requests answered with a transient error. */
  errorRate?: number;
  /** Every request waits this long before it is handled. */
  latencyMs?: number;
  /** Every watch connection is closed after this long. */
  watchDropMs?: number;
  /** The random source of the error draws (seeded, so a run can be repeated). */
  random: () => number;
}

const HEALTH_PATH = /^\/(healthz|readyz|livez)(\/.*)?$/;

/** The three transient answers, equally likely. */
const TRANSIENT = [
  { code: 429, reason: 'TooManyRequests', message: 'Too many requests, please try again later.', retryAfter: 1 },
  {
    code: 503,
    reason: 'ServiceUnavailable',
    message: 'the server is currently unable to handle the request',
    retryAfter: 1,
  },
  { code: 500, reason: 'InternalError', message: 'Internal error occurred: simulated fault (--sim-faults)' },
] as const;

/**
 * The fault middleware: delay the request, then maybe answer it with a transient error. Returns
 * true when it answered (the request goes no further).
 */
export async function injectApiFault(
  faults: ApiFaults,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  if (HEALTH_PATH.test(path)) return false;
  if (faults.latencyMs) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
  if (!faults.errorRate || faults.random() >= faults.errorRate) return false;
  const fault = TRANSIENT[Math.min(TRANSIENT.length - 1, Math.floor(faults.random() * TRANSIENT.length))];
  req.resume();
  if ('retryAfter' in fault) {
    res.setHeader('Retry-After', String(fault.retryAfter));
    const details = { retryAfterSeconds: fault.retryAfter };
    sendJson(res, fault.code, statusBody(fault.code, fault.reason, fault.message, details));
  } else {
    sendJson(res, fault.code, statusBody(fault.code, fault.reason, fault.message));
  }
  return true;
}

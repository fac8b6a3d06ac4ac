import type { CheckRecord } from '../convergence.ts';

/** A check record as the suites make them, with what a test cares about set. */
export function checkRecord(over: Partial<CheckRecord> = {}): CheckRecord {
  return {
    kind: 'http',
    target: 'GET http://127.0.0.1:8080/env (Host: httpbin.example.com, x-version: v2)',
    startedAt: '2026-01-01T00:00:01.000Z',
    durationMs: 40,
    required: 3,
    attempts: 4,
    matched: 3,
    firstMatchMs: 12,
    consistentMs: 40,
    nonMatching: [{ answer: '404', reason: 'expected status 200, got 404', count: 1, lastAtMs: 2 }],
    lastNonMatching: '404',
    outcome: 'converged',
    ...over,
  };
}

/** A check that gave up because httpbin v1 answered where v2 was wanted. */
export const wrongBackend = checkRecord({
  durationMs: 30_000,
  attempts: 7,
  matched: 0,
  firstMatchMs: undefined,
  consistentMs: undefined,
  nonMatching: [
    {
      answer: '200 from HTTPBIN_ENV_VERSION=v1',
      reason: 'expected body …',
      count: 7,
      lastAtMs: 29_000,
      wrongBackend: true,
    },
  ],
  lastNonMatching: '200 from HTTPBIN_ENV_VERSION=v1',
  outcome: 'wrong-backend',
});

import { describeRequest, sendRequest, type ProbeRequest, type ProbeResponse } from './http.ts';
import type { Check } from './checks.ts';
import { secondsOf } from '../log.ts';

/**
 * Eventual consistency as the upstream conformance suite checks it
 * (conformance/utils/http: MakeRequestAndExpectEventuallyConsistentResponse / AwaitConvergence):
 * an expectation holds only after N consecutive matching responses (N = 3 upstream) within the
 * window (30 s upstream). A match is followed by the next request at once; a mismatch or a network
 * error resets the streak and waits before the next try (upstream waits a fixed 1 s; we back off
 * exponentially from `initialBackoffMs` up to `maxBackoffMs`).
 */

export interface ExpectOptions {
  consecutive?: number;
  timeoutMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Replace the transport (tests). */
  send?: (req: ProbeRequest) => Promise<ProbeResponse>;
}

export class ProbeTimeoutError extends Error {
  constructor(
    message: string,
    readonly last: { status?: number; reason: string } | undefined,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'ProbeTimeoutError';
  }
}

const seconds = secondsOf;

function networkReason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: string }).code ?? (err.cause as { code?: string } | undefined)?.code;
  const message = err.message.split('\n')[0];
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

export async function expectEventually(
  req: ProbeRequest,
  check: Check,
  opts: ExpectOptions = {},
): Promise<ProbeResponse> {
  const consecutive = opts.consecutive ?? 3;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const initial = opts.initialBackoffMs ?? 250;
  const max = opts.maxBackoffMs ?? 2_000;
  const send = opts.send ?? sendRequest;
  const started = Date.now();
  const deadline = started + timeoutMs;
  let streak = 0;
  let attempts = 0;
  let failures = 0;
  let last: { status?: number; reason: string } | undefined;

  while (Date.now() < deadline) {
    attempts++;
    const left = deadline - Date.now();
    let failed = false;
    try {
      // No single request may outlive the window.
      const res = await send({ ...req, timeoutMs: Math.max(1, Math.min(req.timeoutMs ?? 10_000, left)) });
      const why = check(res);
      if (why === undefined) {
        streak++;
        if (streak >= consecutive) return res;
        last = { status: res.status, reason: `matched (${streak} of ${consecutive} in a row)` };
        continue;
      }
      last = { status: res.status, reason: why };
      failed = true;
    } catch (err) {
      last = { reason: networkReason(err) };
      failed = true;
    }
    if (failed) {
      streak = 0;
      const wait = Math.min(max, initial * 2 ** failures, Math.max(0, deadline - Date.now()));
      failures++;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }
  // The reason often names the status already ("status 500, expected 200"); say it once.
  const lastText = last
    ? `${last.status !== undefined && !last.reason.includes(String(last.status)) ? `HTTP ${last.status}: ` : ''}${last.reason}`
    : 'no response';
  throw new ProbeTimeoutError(
    `${describeRequest(req)} did not give ${consecutive} consecutive matching responses within ${seconds(timeoutMs)} s; last: ${lastText} (${attempts} attempts)`,
    last,
    attempts,
  );
}

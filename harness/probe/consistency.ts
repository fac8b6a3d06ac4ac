import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  describeRequest,
  sendRequest,
  type ProbeRequest,
  type ProbeResponse,
} from './http.ts';
import type { Check } from './checks.ts';
import { secondsOf } from '../log.ts';
import { retry } from '../retry.ts';

/**
 * Eventual consistency as the upstream conformance suite checks it
 * (conformance/utils/http: MakeRequestAndExpectEventuallyConsistentResponse / AwaitConvergence):
 * an expectation holds only after N consecutive matching responses (N = 3 upstream) within the
 * window (30 s upstream). A match is followed by the next request at once; a mismatch or a network
 * error resets the streak and waits before the next try (upstream waits a fixed 1 s; we back off
 * exponentially from `initialBackoffMs` up to `maxBackoffMs`).
 *
 * Put as a retry: one attempt is one streak of requests, failing at its first mismatch; the shared
 * retry primitive backs off between streaks and gives up when the window is spent.
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
    readonly last: LastAnswer | undefined,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'ProbeTimeoutError';
  }
}

/** What the last request got: its status (when there was a response) and why it did not count. */
interface LastAnswer {
  status?: number;
  reason: string;
}

/** A streak ended by a mismatch, a network error, or the end of the window. */
class StreakBroken extends Error {}

function networkReason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: string }).code ?? (err.cause as { code?: string } | undefined)?.code;
  const message = err.message.split('\n')[0];
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/** The reason often names the status already ("status 500, expected 200"); say it once. */
function describeLast(last: LastAnswer | undefined): string {
  if (!last) return 'no response';
  const status = last.status !== undefined && !last.reason.includes(String(last.status)) ? `HTTP ${last.status}: ` : '';
  return `${status}${last.reason}`;
}

function timeoutMessage(
  req: ProbeRequest,
  consecutive: number,
  timeoutMs: number,
  last: LastAnswer | undefined,
  attempts: number,
) {
  return (
    `${describeRequest(req)} did not give ${consecutive} consecutive matching responses within ${secondsOf(timeoutMs)} s; ` +
    `last: ${describeLast(last)} (${attempts} attempts)`
  );
}

export async function expectEventually(
  req: ProbeRequest,
  check: Check,
  opts: ExpectOptions = {},
): Promise<ProbeResponse> {
  const consecutive = opts.consecutive ?? 3;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const send = opts.send ?? sendRequest;
  const deadline = Date.now() + timeoutMs;
  let attempts = 0;
  let last: LastAnswer | undefined;

  /** One streak: requests back to back until `consecutive` matched, or the first that does not. */
  async function streak(): Promise<ProbeResponse> {
    for (let matched = 0; ;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new StreakBroken('the window is spent');
      attempts++;
      let res: ProbeResponse;
      let why: string | undefined;
      try {
        // No single request may outlive the window.
        res = await send({
          ...req,
          timeoutMs: Math.max(1, Math.min(req.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, left)),
        });
        why = check(res);
      } catch (err) {
        last = { reason: networkReason(err) };
        throw new StreakBroken(last.reason);
      }
      if (why !== undefined) {
        last = { status: res.status, reason: why };
        throw new StreakBroken(why);
      }
      matched++;
      if (matched >= consecutive) return res;
      last = { status: res.status, reason: `matched (${matched} of ${consecutive} in a row)` };
    }
  }

  try {
    return await retry(streak, {
      windowMs: timeoutMs,
      minDelayMs: opts.initialBackoffMs ?? 250,
      maxDelayMs: opts.maxBackoffMs ?? 2_000,
    });
  } catch (error) {
    if (!(error instanceof StreakBroken)) throw error;
    throw new ProbeTimeoutError(timeoutMessage(req, consecutive, timeoutMs, last, attempts), last, attempts);
  }
}

import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  describeRequest,
  sendRequest,
  type ProbeRequest,
  type ProbeResponse,
} from './http.ts';
import type { Check } from './checks.ts';
import { answeredBy } from './backend.ts';
import { ConvergenceTracker, type CheckRecord } from '../convergence.ts';
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
 *
 * Every check is recorded (harness/convergence.ts): its attempts, when it first matched and when it
 * held, the answers that did not count (status and the backend that answered), and, when it gave
 * up, why: never-matched, matched-but-not-consistent, wrong-backend or unreachable.
 */

export interface ExpectOptions {
  consecutive?: number;
  timeoutMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Replace the transport (tests). */
  send?: (req: ProbeRequest) => Promise<ProbeResponse>;
  /** Told how the check converged (or why not) when it ends. */
  onRecord?: (record: CheckRecord) => void;
}

export class ProbeTimeoutError extends Error {
  constructor(
    message: string,
    readonly last: LastAnswer | undefined,
    readonly attempts: number,
    /** How the check went, classified. */
    readonly record?: CheckRecord,
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

function networkCode(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  return (err as { code?: string }).code ?? (err.cause as { code?: string } | undefined)?.code;
}

function networkReason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = networkCode(err);
  const message = err.message.split('\n')[0];
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/** A response as a check record groups it: `503`, `200 from HTTPBIN_ENV_VERSION=v1`. */
function answerOf(res: ProbeResponse, backend: string | undefined): string {
  return backend ? `${res.status} from ${backend}` : String(res.status);
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
  const tracker = new ConvergenceTracker('http', describeRequest(req), consecutive);
  const wrongBackend = (backend: string | undefined) =>
    check.backends !== undefined && backend !== undefined && !check.backends.includes(backend);

  /** One streak: requests back to back until `consecutive` matched, or the first that does not. */
  async function streak(): Promise<ProbeResponse> {
    for (let matched = 0; ;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new StreakBroken('the window is spent');
      attempts++;
      tracker.attempt();
      let res: ProbeResponse;
      try {
        // No single request may outlive the window.
        res = await send({
          ...req,
          timeoutMs: Math.max(1, Math.min(req.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, left)),
        });
      } catch (err) {
        last = { reason: networkReason(err) };
        tracker.miss({ answer: networkCode(err) ?? last.reason, reason: last.reason, unreachable: true });
        throw new StreakBroken(last.reason);
      }
      let why: string | undefined;
      try {
        why = check(res);
      } catch (err) {
        // A check that throws (a body it cannot read) is a mismatch; the message keeps only its words.
        last = { reason: networkReason(err) };
        tracker.miss({ answer: answerOf(res, answeredBy(res)), reason: last.reason });
        throw new StreakBroken(last.reason);
      }
      if (why !== undefined) {
        last = { status: res.status, reason: why };
        const backend = answeredBy(res);
        tracker.miss({ answer: answerOf(res, backend), reason: why, wrongBackend: wrongBackend(backend) });
        throw new StreakBroken(why);
      }
      tracker.match();
      matched++;
      if (matched >= consecutive) return res;
      last = { status: res.status, reason: `matched (${matched} of ${consecutive} in a row)` };
    }
  }

  try {
    const res = await retry(streak, {
      windowMs: timeoutMs,
      minDelayMs: opts.initialBackoffMs ?? 250,
      maxDelayMs: opts.maxBackoffMs ?? 2_000,
    });
    opts.onRecord?.(tracker.record(true));
    return res;
  } catch (error) {
    if (!(error instanceof StreakBroken)) throw error;
    const record = tracker.record(false);
    opts.onRecord?.(record);
    throw new ProbeTimeoutError(timeoutMessage(req, consecutive, timeoutMs, last, attempts), last, attempts, record);
  }
}

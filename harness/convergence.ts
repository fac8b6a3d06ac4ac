import { isoAt } from './timings.ts';

/**
 * How an eventual check converged: an HTTP expectation (N consecutive matching answers within a
 * window, probe/consistency.ts) or a status wait (an object's state through a watch,
 * kube/wait.ts). Each check keeps its attempts, when it first matched, when it held (the N-th
 * match in a row), and what the answers that did not count were, bounded in size; a check that
 * gave up is classified, so a red run says whether it never converged, flapped, hit the wrong
 * backend or reached nothing.
 */

export type Classification = 'never-matched' | 'matched-but-not-consistent' | 'wrong-backend' | 'unreachable';

/** An answer that did not count, and how often it came. */
export interface NonMatchingAnswer {
  /** Short, so equal answers group: `503 from HTTPBIN_ENV_VERSION=v1`, `ECONNREFUSED`, `Accepted=False (…)`. */
  answer: string;
  /** Why it did not count (the check's own words), from its latest occurrence. */
  reason?: string;
  count: number;
  /** When it was last seen, in ms after the check began. */
  lastAtMs: number;
  /** No answer at all: the connection failed. */
  unreachable?: true;
  /** An answer from a backend the check does not expect. */
  wrongBackend?: true;
}

export interface CheckRecord {
  kind: 'http' | 'status';
  /** The request (`GET http://… (Host: …)`) or the object and the state waited for. */
  target: string;
  /** status: the object (`HTTPRoute ns/name`). */
  subject?: string;
  /** http: the Gateway listener the request went through (`ns/gateway/listener`), when known. */
  via?: string;
  startedAt: string;
  durationMs: number;
  /** Matching answers needed in a row (3 for HTTP upstream; 1 for a status wait). */
  required: number;
  attempts: number;
  /** Matching answers in all. */
  matched: number;
  /** ms from the start to the first matching answer. */
  firstMatchMs?: number;
  /** ms from the start to the `required`-th matching answer in a row: when the check held. */
  consistentMs?: number;
  /** The kinds of answers that did not count, most frequent first (at most MAX_ANSWER_KINDS). */
  nonMatching: NonMatchingAnswer[];
  /** Kinds of non-matching answers left out of `nonMatching`. */
  omittedKinds?: number;
  /** The latest answer that did not count. */
  lastNonMatching?: string;
  outcome: 'converged' | Classification;
}

/** How many kinds of non-matching answers a record keeps, and how long each text may be. */
export const MAX_ANSWER_KINDS = 6;
const MAX_ANSWER_CHARS = 160;

function clip(text: string): string {
  const line = text.split('\n')[0];
  return line.length <= MAX_ANSWER_CHARS ? line : `${line.slice(0, MAX_ANSWER_CHARS - 1)}…`;
}

export interface Miss {
  answer: string;
  reason?: string;
  unreachable?: boolean;
  wrongBackend?: boolean;
}

/** Follows one check from its first attempt to its end and turns it into a CheckRecord. */
export class ConvergenceTracker {
  private readonly started = performance.now();
  private attempts = 0;
  private matched = 0;
  private inARow = 0;
  private firstMatchMs?: number;
  private consistentMs?: number;
  private readonly answers = new Map<string, NonMatchingAnswer>();
  private omitted = new Set<string>();
  private lastNonMatching?: string;
  /** Whether the latest answer that came back (not a connection error) was from a wrong backend. */
  private lastAnswerWrongBackend = false;
  private anyAnswer = false;

  constructor(
    private readonly kind: CheckRecord['kind'],
    private readonly target: string,
    private readonly required: number,
    private readonly about: Pick<CheckRecord, 'subject' | 'via'> = {},
  ) {}

  private elapsed(): number {
    return Math.round(performance.now() - this.started);
  }

  /** A request was sent, or a state was read. */
  attempt(): void {
    this.attempts++;
  }

  /** The answer matched. */
  match(): void {
    this.matched++;
    this.inARow++;
    this.anyAnswer = true;
    this.lastAnswerWrongBackend = false;
    // One clock reading: a check that needs one match is consistent the moment it first matches.
    const now = this.elapsed();
    this.firstMatchMs ??= now;
    if (this.inARow >= this.required) this.consistentMs ??= now;
  }

  /** The answer did not count; a streak of matches starts over. */
  miss(miss: Miss): void {
    this.inARow = 0;
    const answer = clip(miss.answer);
    this.lastNonMatching = answer;
    if (!miss.unreachable) {
      this.anyAnswer = true;
      this.lastAnswerWrongBackend = Boolean(miss.wrongBackend);
    }
    const seen = this.answers.get(answer);
    if (seen) {
      seen.count++;
      seen.lastAtMs = this.elapsed();
      if (miss.reason) seen.reason = clip(miss.reason);
      return;
    }
    if (this.answers.size >= MAX_ANSWER_KINDS) {
      this.omitted.add(answer);
      return;
    }
    this.answers.set(answer, {
      answer,
      ...(miss.reason ? { reason: clip(miss.reason) } : {}),
      count: 1,
      lastAtMs: this.elapsed(),
      ...(miss.unreachable ? { unreachable: true as const } : {}),
      ...(miss.wrongBackend ? { wrongBackend: true as const } : {}),
    });
  }

  /** The record of the check as it ended: converged, or given up and classified. */
  record(converged: boolean): CheckRecord {
    const nonMatching = [...this.answers.values()].sort((a, b) => b.count - a.count);
    return {
      kind: this.kind,
      target: this.target,
      ...this.about,
      startedAt: isoAt(this.started),
      durationMs: this.elapsed(),
      required: this.required,
      attempts: this.attempts,
      matched: this.matched,
      ...(this.firstMatchMs !== undefined ? { firstMatchMs: this.firstMatchMs } : {}),
      ...(this.consistentMs !== undefined ? { consistentMs: this.consistentMs } : {}),
      nonMatching,
      ...(this.omitted.size > 0 ? { omittedKinds: this.omitted.size } : {}),
      ...(this.lastNonMatching !== undefined ? { lastNonMatching: this.lastNonMatching } : {}),
      outcome: converged ? 'converged' : this.classify(),
    };
  }

  private classify(): Classification {
    if (this.matched > 0) return 'matched-but-not-consistent';
    if (this.attempts > 0 && !this.anyAnswer) return 'unreachable';
    if (this.lastAnswerWrongBackend) return 'wrong-backend';
    return 'never-matched';
  }
}

/** The word a failure starts with: the classification, `flapped` for matched-but-not-consistent. */
function failureWord(outcome: Classification): string {
  return outcome === 'matched-but-not-consistent' ? 'flapped' : outcome;
}

/**
 * One line for a check that gave up, e.g. `flapped: 2 of 7 answers matched; last non-matching:
 * 503 from HTTPBIN_ENV_VERSION=v1`, or `unreachable: no answer to 7 attempts; last error: ECONNREFUSED`.
 */
export function describeFailure(record: CheckRecord): string | undefined {
  if (record.outcome === 'converged') return undefined;
  const last = record.lastNonMatching ?? 'none';
  if (record.outcome === 'unreachable') {
    return `unreachable: no answer to ${plural(record.attempts, 'attempt')}; last error: ${last}`;
  }
  return `${failureWord(record.outcome)}: ${record.matched} of ${record.attempts} answers matched; last non-matching: ${last}`;
}

/** One line for any check: how it converged, or why not. */
export function describeConvergence(record: CheckRecord): string {
  const failure = describeFailure(record);
  if (failure) return failure;
  const at = (ms: number | undefined) => `${((ms ?? 0) / 1000).toFixed(2)} s`;
  if (record.required <= 1) return `matched after ${plural(record.attempts, 'answer')} at ${at(record.consistentMs)}`;
  return (
    `${record.required} in a row after ${plural(record.attempts, 'attempt')}: ` +
    `first match at ${at(record.firstMatchMs)}, held at ${at(record.consistentMs)}`
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The check that made a test fail: the last one that gave up. */
export function failedCheck(records: readonly CheckRecord[] | undefined): CheckRecord | undefined {
  return [...(records ?? [])].reverse().find((r) => r.outcome !== 'converged');
}

/** The classification line of the check that made a test fail, if a check did. */
export function classifiedFailure(records: readonly CheckRecord[] | undefined): string | undefined {
  const failed = failedCheck(records);
  return failed && describeFailure(failed);
}

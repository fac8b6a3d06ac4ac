import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeConvergence, type CheckRecord } from '../convergence.ts';
import { UsageError } from '../errors.ts';
import { formatSeconds } from '../log.ts';
import type { PhaseTiming } from '../timings.ts';
import { PRIVATE_DIR_MODE, writePrivateFile } from './private-files.ts';
import type { TestRecord } from './results.ts';

/**
 * `timings.json`: every phase of the run and every eventual check of the suites, as one list of
 * `{phase, startedAt, durationMs, detail}` in start order. A check is an entry with phase `check`,
 * the test it belongs to and its whole record (attempts, time to first match and to the N-th in a
 * row, the answers that did not count, its classification).
 */

export const timingsFileName = 'timings.json';

/** What the start of every timings.json kindgate writes holds: its first phase is the process start-up. */
export const TIMINGS_MARKER = '"phase": "start-up"';

/** An eventual check of a test, as timings.json lists it. */
export interface CheckTiming extends PhaseTiming {
  phase: 'check';
  /** `suite › title`, as JUnit and the summary name the test. */
  test: string;
  check: CheckRecord;
}

export type TimingEntry = PhaseTiming | CheckTiming;

export const isCheck = (entry: TimingEntry): entry is CheckTiming => entry.phase === 'check';

const testName = (t: TestRecord) => `${t.suite} › ${t.title}`;

function checkTimings(tests: readonly TestRecord[]): CheckTiming[] {
  return tests.flatMap((t) =>
    (t.checks ?? []).map((check) => ({
      phase: 'check' as const,
      startedAt: check.startedAt,
      durationMs: check.durationMs,
      detail: `${check.target}: ${describeConvergence(check)}`,
      ...(check.outcome === 'converged' ? {} : { failed: true as const }),
      test: testName(t),
      check,
    })),
  );
}

/** A fixture route whose acceptance is a phase of the run: `HTTPRoute ns/name` and its name. */
export interface RouteSubject {
  subject: string;
  name: string;
}

/**
 * Phases the suites go through, read from their checks: each fixture route Accepted (its first
 * status wait that held), and the first successful request through each listener (from the
 * start of the first check through it to its first matching answer).
 */
export function suitePhases(tests: readonly TestRecord[], routes: readonly RouteSubject[]): PhaseTiming[] {
  const checks = tests.flatMap((t) => t.checks ?? []).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const phases: PhaseTiming[] = [];
  for (const route of routes) {
    const held = checks.find((c) => c.kind === 'status' && c.subject === route.subject && c.outcome === 'converged');
    if (held) {
      phases.push({
        phase: `HTTPRoute ${route.name} Accepted`,
        startedAt: held.startedAt,
        durationMs: held.consistentMs ?? held.durationMs,
        detail: held.target,
      });
    }
  }
  const listeners = [...new Set(checks.filter((c) => c.kind === 'http' && c.via).map((c) => c.via!))];
  for (const via of listeners) {
    const first = checks.find((c) => c.via === via)!;
    const answered = first.firstMatchMs !== undefined;
    phases.push({
      // The namespace is random per run: the Gateway and listener names keep the phase comparable.
      phase: `first request through ${via.split('/').slice(1).join('/')}`,
      startedAt: first.startedAt,
      durationMs: first.firstMatchMs ?? first.durationMs,
      detail: answered ? first.target : `${first.target}: ${describeConvergence(first)}`,
      ...(answered ? {} : { failed: true as const }),
    });
  }
  return phases;
}

/** The run's phases and the suites' checks, in start order. */
export function timingEntries(phases: readonly PhaseTiming[], tests: readonly TestRecord[]): TimingEntry[] {
  return [...phases, ...checkTimings(tests)].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** Write `<dir>/timings.json` (owner-only, as every report); returns its path. */
export async function writeTimings(dir: string, entries: readonly TimingEntry[]): Promise<string> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const path = join(dir, timingsFileName);
  await writePrivateFile(path, `${JSON.stringify(entries, null, 2)}\n`);
  return path;
}

/** The `n` slowest phases (checks left out: the phases they belong to are there). */
export function slowestPhases(entries: readonly TimingEntry[], n = 3): PhaseTiming[] {
  return entries
    .filter((e) => !isCheck(e))
    .sort((a, b) => b.durationMs - a.durationMs)
    .slice(0, n);
}

function notTimingsMessage(path: string, why: string): string {
  return `--compare: ${path} is not a kindgate timings file (${why}); pass the report directory of an earlier kindgate test run.`;
}

/** A previous run's timings.json (from `--compare DIR`); a missing or foreign file is a usage error. */
export async function readTimings(dir: string): Promise<{ path: string; entries: TimingEntry[] }> {
  const path = join(dir, timingsFileName);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
    throw new UsageError(
      `--compare: ${path} ${why}; pass the report directory of an earlier kindgate test run (it writes ${timingsFileName}).`,
    );
  }
  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch (error) {
    throw new UsageError(notTimingsMessage(path, `not JSON: ${(error as Error).message}`));
  }
  const valid = (e: unknown) =>
    typeof e === 'object' &&
    e !== null &&
    typeof (e as TimingEntry).phase === 'string' &&
    typeof (e as TimingEntry).durationMs === 'number';
  if (!Array.isArray(entries)) throw new UsageError(notTimingsMessage(path, 'not a list'));
  const bad = entries.findIndex((e) => !valid(e));
  if (bad >= 0) throw new UsageError(notTimingsMessage(path, `entry ${bad + 1} has no phase and durationMs`));
  return { path, entries: entries as TimingEntry[] };
}

/** A phase that took longer than in the run compared against. */
export interface SlowerPhase {
  phase: string;
  beforeMs: number;
  nowMs: number;
}

/** What makes a phase "slower": more than 50 % and more than 2 s longer. */
export const SLOWER_RATIO = 1.5;
export const SLOWER_BY_MS = 2_000;

/** The key a phase is compared by: its name, and for a name that repeats, which time it came. */
function keyed(entries: readonly TimingEntry[]): Map<string, TimingEntry> {
  const seen = new Map<string, number>();
  const out = new Map<string, TimingEntry>();
  for (const e of entries) {
    const name = isCheck(e) ? `check ${e.test}` : e.phase;
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    out.set(n === 1 ? name : `${name} #${n}`, e);
  }
  return out;
}

/** Phases (and checks) of `now` that got more than 50 % and 2 s slower than in `before`, slowest change first. */
export function slowerPhases(before: readonly TimingEntry[], now: readonly TimingEntry[]): SlowerPhase[] {
  const earlier = keyed(before);
  const slower: SlowerPhase[] = [];
  for (const [key, entry] of keyed(now)) {
    const previous = earlier.get(key);
    if (!previous) continue;
    const beforeMs = previous.durationMs;
    const nowMs = entry.durationMs;
    if (nowMs > beforeMs * SLOWER_RATIO && nowMs - beforeMs > SLOWER_BY_MS)
      slower.push({ phase: key, beforeMs, nowMs });
  }
  return slower.sort((a, b) => b.nowMs - b.beforeMs - (a.nowMs - a.beforeMs));
}

const secs = (ms: number) => formatSeconds(ms / 1000);

/** The lines `--compare` prints: what got slower than in `baseline`, or that nothing did. */
export function formatComparison(slower: readonly SlowerPhase[], baseline: string): string {
  if (slower.length === 0) return `No phase got more than 50 % and 2 s slower than in ${baseline}.\n`;
  const width = Math.max(...slower.map((s) => s.phase.length));
  const lines = slower.map((s) => {
    const percent = s.beforeMs > 0 ? ` +${Math.round(((s.nowMs - s.beforeMs) / s.beforeMs) * 100)} %` : '';
    return `  ${s.phase.padEnd(width)}  ${secs(s.beforeMs)} → ${secs(s.nowMs)} (+${secs(s.nowMs - s.beforeMs)}${percent})`;
  });
  return [`Slower than in ${baseline} (more than 50 % and 2 s):`, ...lines, ''].join('\n');
}

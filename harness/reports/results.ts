import type { CheckRecord } from '../convergence.ts';

/** The plain result model every report is built from (filled by the vitest collector). */

/**
 * `interrupted`: the run was stopped (Ctrl-C, SIGTERM) before the test finished, or before it
 * began; the reports name it so an interrupted run never reads as a full one.
 */
export type TestState = 'passed' | 'failed' | 'skipped' | 'interrupted';

export interface TestRecord {
  /** Suite name (catalog name for known suite files, else the file's base name). */
  suite: string;
  /** The test's title (the catalog title when catalogued). */
  title: string;
  /** Catalog id when the test is in the catalog. */
  id?: string;
  /** The describe path inside the suite (e.g. `Gateway ns/external-gateway`), when there is one. */
  context?: string;
  /** Test file relative to the project root, when known. */
  file?: string;
  state: TestState;
  durationMs: number;
  /** Failure message(s), ANSI codes stripped. */
  error?: string;
  /** Why a skipped (or interrupted) test did not run. */
  skipReason?: string;
  /** How each eventual check of the test converged (or why not), in the order they ended. */
  checks?: CheckRecord[];
}

export interface SuiteCounts {
  suite: string;
  passed: number;
  failed: number;
  skipped: number;
  interrupted: number;
}

/** Counts per suite, in first-seen order. */
export function countBySuite(tests: readonly TestRecord[]): SuiteCounts[] {
  const bySuite = new Map<string, SuiteCounts>();
  for (const t of tests) {
    const counts = bySuite.get(t.suite) ?? { suite: t.suite, passed: 0, failed: 0, skipped: 0, interrupted: 0 };
    counts[t.state] += 1;
    bySuite.set(t.suite, counts);
  }
  return [...bySuite.values()];
}

export function totals(tests: readonly TestRecord[]): Omit<SuiteCounts, 'suite'> {
  return {
    passed: tests.filter((t) => t.state === 'passed').length,
    failed: tests.filter((t) => t.state === 'failed').length,
    skipped: tests.filter((t) => t.state === 'skipped').length,
    interrupted: tests.filter((t) => t.state === 'interrupted').length,
  };
}

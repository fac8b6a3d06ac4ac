import type { Reporter, SerializedError, TestCase, TestModule, TestRunEndReason, TestSuite } from 'vitest/node';
import { caseOf, suiteOfFile } from '../../suites/catalog.ts';
import { checksOf } from '../../suites/check-meta.ts';
import type { TestRecord } from './results.ts';
import { stripAnsi } from './text.ts';

/**
 * A vitest reporter that turns a run into plain TestRecords for the JUnit, conformance and summary
 * writers. Besides test cases it records what vitest reports beside them, so nothing that broke
 * the run can look green: files that failed to load, failing beforeAll/afterAll hooks, and
 * unhandled errors become failed records.
 *
 * A test's catalog id comes from the case metadata in its task (suites/case.ts), never from its
 * title, so a title carrying a parameter (a listener name) still maps to its entry.
 */
export class ResultCollector implements Reporter {
  private records: TestRecord[] = [];
  /** Tests of the pass under way that finished, by vitest test id (the pass's records come at its end). */
  private finishedInPass = new Map<string, TestRecord>();
  private ended = false;

  /** The records of every finished run, in order (the suites may run in several passes). */
  get results(): readonly TestRecord[] {
    return this.records;
  }

  /** True once vitest finished (or interrupted) the run. */
  get finished(): boolean {
    return this.ended;
  }

  onTestCaseResult(test: TestCase): void {
    const file = test.module.relativeModuleId;
    this.finishedInPass.set(test.id, recordOf(test, suiteOfFile(file), file, 'passed'));
  }

  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): void {
    this.records = [...this.records, ...collectRecords(testModules, unhandledErrors, reason)];
    this.finishedInPass.clear();
    this.ended = true;
  }

  /**
   * The results of a run stopped before its end (Ctrl-C): what finished passes recorded, the tests
   * of the pass under way that finished, and every expected test not among them as interrupted.
   */
  interruptedResults(expected: readonly ExpectedTest[], reason: string): TestRecord[] {
    const finished = [...this.records, ...disambiguate([...this.finishedInPass.values()])];
    const seen = new Set(finished.map((r) => r.id).filter((id) => id !== undefined));
    const unfinished = expected
      .filter((e) => !seen.has(e.id))
      .map((e): TestRecord => ({ ...e, state: 'interrupted', durationMs: 0, skipReason: reason }));
    return [...finished, ...unfinished];
  }
}

/** A test the run was going to run (a catalog entry of a selected suite). */
export interface ExpectedTest {
  suite: string;
  title: string;
  id: string;
}

export function collectRecords(
  testModules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<SerializedError> = [],
  reason: TestRunEndReason = 'passed',
): TestRecord[] {
  const records: TestRecord[] = [];
  for (const mod of testModules) {
    const file = mod.relativeModuleId;
    const suite = suiteOfFile(file);
    // A file that failed to import/collect has errors on the module itself.
    const loadErrors = mod.errors();
    if (loadErrors.length > 0) {
      records.push({
        suite,
        title: `${file} (failed to load or a hook failed)`,
        file,
        state: 'failed',
        durationMs: 0,
        error: formatErrors(loadErrors),
      });
    }
    for (const child of mod.children.allSuites()) {
      const errors = child.errors();
      if (errors.length > 0) {
        records.push({
          suite,
          title: `${child.fullName} (hook failed)`,
          file,
          state: 'failed',
          durationMs: 0,
          error: formatErrors(errors),
        });
      }
    }
    for (const test of mod.children.allTests()) records.push(recordOf(test, suite, file, reason));
  }
  disambiguate(records);
  if (unhandledErrors.length > 0) {
    records.push({
      suite: 'vitest',
      title: 'unhandled errors during the run',
      state: 'failed',
      durationMs: 0,
      error: formatErrors(unhandledErrors),
    });
  }
  return records;
}

/**
 * Suites repeat a test per Gateway or route inside describe blocks. With one of each (the built-in
 * fixtures) the title stays the plain test name, stable across runs for CI history; only when a
 * name repeats within a suite does the describe path get added to tell them apart.
 */
function disambiguate(records: TestRecord[]): TestRecord[] {
  const key = (r: TestRecord) => `${r.suite}\u0000${r.title}`;
  const seen = new Map<string, number>();
  for (const r of records) seen.set(key(r), (seen.get(key(r)) ?? 0) + 1);
  for (const r of records) {
    if ((seen.get(key(r)) ?? 0) > 1 && r.context) r.title = `${r.title} (${r.context})`;
  }
  return records;
}

/** The describe path of a test, without a top-level describe named like the suite. */
function contextOf(test: TestCase, suite: string): string {
  const names: string[] = [];
  for (let parent = test.parent; parent.type === 'suite'; parent = parent.parent) names.unshift(parent.name);
  if (names[0] === suite) names.shift();
  return names.join(' > ');
}

function recordOf(test: TestCase, suite: string, file: string, reason: TestRunEndReason): TestRecord {
  const meta = caseOf(test);
  const context = contextOf(test, suite);
  const checks = checksOf(test);
  const base = {
    suite,
    // Cases keep their own name (a listener other than http keeps its name too).
    title: meta ? test.name : context ? `${context} > ${test.name}` : test.name,
    ...(context ? { context } : {}),
    ...(meta ? { id: meta.id } : {}),
    file,
    durationMs: Math.round(test.diagnostic()?.duration ?? 0),
    ...(checks.length > 0 ? { checks } : {}),
  };
  const result = test.result();
  switch (result.state) {
    case 'passed':
      return { ...base, state: 'passed' };
    case 'failed':
      return { ...base, state: 'failed', error: formatErrors(result.errors) };
    case 'skipped':
      return { ...base, state: 'skipped', skipReason: skipReasonOf(test, result.note) };
    default:
      // Still pending when the run ended: vitest was interrupted or a hook killed the file.
      return reason === 'interrupted'
        ? { ...base, state: 'interrupted', skipReason: 'not run: the run was interrupted' }
        : { ...base, state: 'skipped', skipReason: 'not run' };
  }
}

function skipReasonOf(test: TestCase, note: string | undefined): string {
  if (note) return stripAnsi(note);
  // vitest skips the tests of a suite whose beforeAll hook threw; say so instead of "skipped".
  for (let parent: TestCase['parent'] | TestSuite['parent'] = test.parent; ; parent = parent.parent) {
    if (parent.errors().length > 0) return 'not run: a hook of its suite failed';
    if (parent.type === 'module') break;
  }
  if (test.options.mode === 'todo') return 'todo';
  if (test.options.mode === 'skip') return 'skipped in the suite';
  return 'skipped';
}

function formatErrors(errors: ReadonlyArray<SerializedError & { diff?: string }>): string {
  return errors
    .map((e) => {
      const message =
        e.name && e.name !== 'Error' && !e.message.startsWith(e.name) ? `${e.name}: ${e.message}` : e.message;
      return stripAnsi(e.diff ? `${message}\n${e.diff}` : message);
    })
    .join('\n\n');
}

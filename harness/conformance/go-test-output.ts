import type { TestRecord, TestState } from '../reports/results.ts';

/**
 * `go test -v` output → one TestRecord per test and sub-test. The format is Go's `testing`
 * package in chatty mode (src/testing/testing.go): `=== RUN   name` starts a test, `=== NAME` /
 * `=== CONT` say whose output follows, `--- PASS|FAIL|SKIP: name (1.23s)` ends it (indented four
 * spaces per sub-test level); `ok|FAIL <package> <time>` closes a package. Lines are fed one at a
 * time, so the same parser follows a live run and reads a finished log.
 */

export interface ResultLine {
  name: string;
  state: TestState;
  seconds: number;
  /** 0 for a top-level test, 1 for its sub-tests, … */
  depth: number;
}

interface Entry {
  name: string;
  state?: TestState;
  seconds: number;
  output: string[];
}

const HEADER = /^=== (RUN|CONT|NAME|PAUSE)\s+(\S+)\s*$/;
const RESULT = /^(\s*)--- (PASS|FAIL|SKIP): (\S+) \((\d+(?:\.\d+)?)s\)\s*$/;
const PACKAGE = /^(ok|FAIL)\s+\S+\s+(\d+(?:\.\d+)?s|\[[^\]]+\]|\(cached\))/;
const STATES: Record<string, TestState> = { PASS: 'passed', FAIL: 'failed', SKIP: 'skipped' };
/** Output kept per test in the JUnit failure body: the end of it says what went wrong. */
const KEPT_LINES = 200;

export const NO_RESULT =
  'no result: the run ended before this test finished (a panic, the go test -timeout, or the run was stopped)';

export class GoTestOutput {
  private readonly entries = new Map<string, Entry>();
  private current?: Entry;
  /** Lines before any test started (build errors, module downloads). */
  readonly preamble: string[] = [];

  /** True once a test started: before that, a failure is the build's, not a test's. */
  get started(): boolean {
    return this.entries.size > 0;
  }

  /** Feed one line; returns the result when the line ends a test. */
  feed(rawLine: string): ResultLine | undefined {
    const line = rawLine.replace(/\r$/, '');
    const header = HEADER.exec(line);
    if (header) {
      const [, verb, name] = header;
      if (verb === 'PAUSE') return undefined;
      this.current = this.entry(name);
      return undefined;
    }
    const result = RESULT.exec(line);
    if (result) {
      const [, indent, state, name, seconds] = result;
      const entry = this.entry(name);
      entry.state = STATES[state];
      entry.seconds = Number(seconds);
      // Without -v, a test's log follows its result line, indented: it is still this test's.
      this.current = entry;
      return { name, state: STATES[state], seconds: Number(seconds), depth: Math.floor(indent.length / 4) };
    }
    if (PACKAGE.test(line) || line === 'PASS' || line === 'FAIL' || /^\?\s+\S+\s+\[no test files\]/.test(line)) {
      this.current = undefined;
      return undefined;
    }
    if (this.current) this.current.output.push(line);
    else this.preamble.push(line);
    return undefined;
  }

  /**
   * Every test and sub-test seen, in the order they started; a test without a result failed, or,
   * when the run was interrupted (`interrupted` says why), is interrupted.
   */
  records(suite = 'upstream', interrupted?: string): TestRecord[] {
    return [...this.entries.values()].map((e) => {
      const base = { suite, title: e.name, durationMs: Math.round(e.seconds * 1000) };
      if (e.state === 'passed') return { ...base, state: 'passed' };
      if (e.state === undefined && interrupted) return { ...base, state: 'interrupted', skipReason: interrupted };
      if (e.state === 'skipped') return { ...base, state: 'skipped', skipReason: skipReason(e.output) };
      return { ...base, state: 'failed', error: failureText(e.output, e.state === undefined) };
    });
  }

  private entry(name: string): Entry {
    let entry = this.entries.get(name);
    if (!entry) {
      entry = { name, seconds: 0, output: [] };
      this.entries.set(name, entry);
    }
    return entry;
  }
}

/** Parse a whole `go test -v` log. */
export function parseGoTestOutput(text: string): GoTestOutput {
  const output = new GoTestOutput();
  for (const line of text.split('\n')) output.feed(line);
  return output;
}

/** `    conformance_options_test.go:38: this test …` → `this test …`. */
function withoutSource(line: string): string {
  return line.trim().replace(/^[\w.-]+\.go:\d+: /, '');
}

function skipReason(output: string[]): string {
  const last = [...output].reverse().find((l) => l.trim() !== '');
  return last ? withoutSource(last) : 'skipped';
}

/** Remove the indentation every line shares (Go indents a test's log by its depth). */
function dedent(lines: string[]): string[] {
  const indents = lines.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length);
  const common = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(common));
}

/**
 * The first line says what failed (testify's `Error:` with its continuation, else the last line);
 * then the end of the test's output.
 */
function failureText(output: string[], noResult: boolean): string {
  const lines = output.filter((l) => l.trim() !== '');
  const at = lines.findIndex((l) => /^\s*Error:\s/.test(l.replace(/\t/g, ' ')));
  let summary: string;
  if (at >= 0) {
    const first = lines[at].replace(/^\s*Error:\s*/, '').trim();
    const next = lines[at + 1]?.trim() ?? '';
    const continuation = next && !/^\w[\w ]*:\s/.test(next) ? ` ${next}` : '';
    summary = `${first}${continuation}`;
  } else {
    summary = lines.length ? withoutSource(lines[lines.length - 1]) : 'failed';
  }
  if (noResult) summary = `${NO_RESULT}${lines.length ? `; last output: ${summary}` : ''}`;
  const tail = dedent(lines.slice(-KEPT_LINES));
  const cut = lines.length > KEPT_LINES ? [`… (${lines.length - KEPT_LINES} earlier lines in the go test log)`] : [];
  return [summary, '', ...cut, ...tail].join('\n');
}

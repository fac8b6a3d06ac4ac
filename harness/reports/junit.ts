import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { classifiedFailure, type CheckRecord } from '../convergence.ts';
import { PRIVATE_DIR_MODE, writePrivateFile } from './private-files.ts';
import type { TestRecord } from './results.ts';
import { firstLine, stripAnsi, stripInvalidXmlChars, truncate } from './text.ts';

/**
 * JUnit XML in the dialect GitHub Actions (test-reporter/dorny, mikepenz), Jenkins and GitLab all
 * read: <testsuites> → one <testsuite> per kindgate suite → <testcase name classname time>, with
 * <failure message type> or <skipped message>. classname is `kindgate.<suite>`, stable across runs,
 * so CI history tracks each test. A test with eventual checks lists how each converged as
 * testcase <properties> (check.N.*), and a check that gave up leads its failure text with its
 * classification (`flapped: 2 of 7 answers matched; last non-matching: 503 from …`).
 */

export const junitFileName = 'junit.xml';

export interface JUnitOptions {
  /** Provisioning failed before the suites ran: reported as testcase `setup` in `kindgate.setup`. */
  setupFailure?: string;
  /** Report timestamp (ISO 8601); defaults to now. */
  timestamp?: string;
}

/** Text content of an element: strip colour and characters XML cannot hold, escape markup. */
export function xmlText(text: string): string {
  return stripInvalidXmlChars(stripAnsi(text)).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An attribute value: as text, plus quotes, and line breaks kept (parsers would fold them to spaces). */
export function xmlAttr(text: string): string {
  return xmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

interface Suite {
  name: string;
  cases: TestRecord[];
}

function groupSuites(tests: readonly TestRecord[], setupFailure: string | undefined): Suite[] {
  const suites = new Map<string, Suite>();
  if (setupFailure !== undefined) {
    suites.set('setup', {
      name: 'setup',
      cases: [{ suite: 'setup', title: 'setup', state: 'failed', durationMs: 0, error: setupFailure }],
    });
  }
  for (const t of tests) {
    const suite = suites.get(t.suite) ?? { name: t.suite, cases: [] };
    suite.cases.push(t);
    suites.set(t.suite, suite);
  }
  return [...suites.values()];
}

/** ` a="x" b="y"`: every value escaped as an attribute, in the order given. */
function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${xmlAttr(String(value))}"`)
    .join('');
}

/**
 * The counts every <testsuites> and <testsuite> carries (kindgate reports no errors apart from
 * failures). An interrupted test did not run to its end: it counts as skipped, its message says why.
 */
function counts(cases: readonly TestRecord[]): Record<string, number> {
  const count = (...states: TestRecord['state'][]) => cases.filter((c) => states.includes(c.state)).length;
  return { tests: cases.length, failures: count('failed'), errors: 0, skipped: count('skipped', 'interrupted') };
}

const totalSeconds = (cases: readonly TestRecord[]) => seconds(cases.reduce((sum, c) => sum + c.durationMs, 0));

/** check.N.* properties of one check: what it checked, how it ended, how long it took to converge. */
function checkProperties(check: CheckRecord, n: number): [string, string | number][] {
  const at = `check.${n}`;
  const answers = check.nonMatching.map((a) => `${a.answer} ×${a.count}`).join('; ');
  return [
    [at, check.target],
    [`${at}.outcome`, check.outcome],
    [`${at}.attempts`, check.attempts],
    [`${at}.matched`, check.matched],
    [`${at}.required`, check.required],
    ...(check.firstMatchMs !== undefined ? [[`${at}.firstMatchMs`, check.firstMatchMs] as [string, number]] : []),
    ...(check.consistentMs !== undefined ? [[`${at}.consistentMs`, check.consistentMs] as [string, number]] : []),
    [`${at}.durationMs`, check.durationMs],
    ...(answers ? [[`${at}.nonMatching`, answers] as [string, string]] : []),
  ];
}

function properties(checks: readonly CheckRecord[] | undefined): string[] {
  if (!checks?.length) return [];
  const props = checks.flatMap((c, i) => checkProperties(c, i + 1));
  return [
    '      <properties>',
    ...props.map(([name, value]) => `        <property${attributes({ name, value })}/>`),
    '      </properties>',
  ];
}

function testcase(t: TestRecord, classname: string): string {
  const open = `    <testcase${attributes({ name: t.title, classname, time: seconds(t.durationMs) })}`;
  const props = properties(t.checks);
  if (t.state === 'passed') return props.length ? [`${open}>`, ...props, '    </testcase>'].join('\n') : `${open}/>`;
  if (t.state === 'skipped' || t.state === 'interrupted') {
    return [
      `${open}>`,
      ...props,
      `      <skipped${attributes({ message: t.skipReason ?? t.state })}/>`,
      '    </testcase>',
    ].join('\n');
  }
  const classified = classifiedFailure(t.checks);
  const error = classified ? `${classified}\n\n${t.error ?? 'failed'}` : (t.error ?? 'failed');
  const message = truncate(firstLine(stripAnsi(error)) || 'failed', 500);
  const failure = attributes({ message, type: t.suite === 'setup' ? 'SetupError' : 'TestFailure' });
  return [`${open}>`, ...props, `      <failure${failure}>${xmlText(error)}</failure>`, '    </testcase>'].join('\n');
}

export function renderJUnit(tests: readonly TestRecord[], options: JUnitOptions = {}): string {
  const timestamp = (options.timestamp ?? new Date().toISOString()).replace(/\.\d+Z$/, 'Z');
  const suites = groupSuites(tests, options.setupFailure);
  const all = suites.flatMap((s) => s.cases);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: 'kindgate', ...counts(all), time: totalSeconds(all) })}>`,
  ];
  for (const suite of suites) {
    const classname = `kindgate.${suite.name}`;
    const time = totalSeconds(suite.cases);
    lines.push(`  <testsuite${attributes({ name: classname, ...counts(suite.cases), time, timestamp })}>`);
    for (const c of suite.cases) lines.push(testcase(c, classname));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

/** Write `<dir>/junit.xml`; returns its path. */
export async function writeJUnit(
  dir: string,
  tests: readonly TestRecord[],
  options: JUnitOptions = {},
): Promise<string> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const path = join(dir, junitFileName);
  await writePrivateFile(path, renderJUnit(tests, options));
  return path;
}

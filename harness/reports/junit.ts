import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE, writePrivateFile } from './private-files.ts';
import type { TestRecord } from './results.ts';
import { firstLine, stripAnsi, stripInvalidXmlChars, truncate } from './text.ts';

/**
 * JUnit XML in the dialect GitHub Actions (test-reporter/dorny, mikepenz), Jenkins and GitLab all
 * read: <testsuites> → one <testsuite> per kindgate suite → <testcase name classname time>, with
 * <failure message type> or <skipped message>. classname is `kindgate.<suite>`, stable across runs,
 * so CI history tracks each test.
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

function testcase(t: TestRecord, classname: string): string {
  const open = `    <testcase${attributes({ name: t.title, classname, time: seconds(t.durationMs) })}`;
  if (t.state === 'passed') return `${open}/>`;
  if (t.state === 'skipped' || t.state === 'interrupted') {
    const message = t.skipReason ?? t.state;
    return `${open}>\n      <skipped${attributes({ message })}/>\n    </testcase>`;
  }
  const error = t.error ?? 'failed';
  const message = truncate(firstLine(stripAnsi(error)) || 'failed', 500);
  const failure = attributes({ message, type: t.suite === 'setup' ? 'SetupError' : 'TestFailure' });
  return `${open}>\n      <failure${failure}>${xmlText(error)}</failure>\n    </testcase>`;
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

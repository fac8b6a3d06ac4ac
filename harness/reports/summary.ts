import { suiteFiles } from '../../suites/catalog.ts';
import { classifiedFailure } from '../convergence.ts';
import { formatSeconds } from '../log.ts';
import type { PhaseTiming } from '../timings.ts';
import { countBySuite, totals, type SuiteCounts, type TestRecord } from './results.ts';
import { firstLine, stripAnsi, truncate } from './text.ts';

/**
 * The end-of-run summary for a person: suites with their counts, each failure with its first
 * error line (and how its check failed: never-matched, flapped, wrong-backend, unreachable), the
 * three slowest phases of the run, and where the reports are. Plain text; colour only when the caller says so
 * (log.useColor decides for the terminal).
 */

export interface ReportPaths {
  junit?: string;
  conformance?: string;
  timings?: string;
  diagnostics?: string;
}

export interface SummaryInput {
  tests: readonly TestRecord[];
  /** Provisioning failed before the suites ran. */
  setupFailure?: string;
  reports?: ReportPaths;
  color?: boolean;
  /** Width of the error excerpt per failed test (default 160). */
  width?: number;
  /** The run's phases so far: the three slowest are shown. */
  slowest?: readonly PhaseTiming[];
}

/** The skip reason of tests whose suite was left out with --suites. */
export const NOT_SELECTED = 'not selected (--suites)';

type Paint = (code: number, text: string) => string;

/**
 * Suites with their counts and a total; an `interrupted` column only when the run was
 * interrupted, so a finished run's table reads as it always did.
 */
function countsTable(tests: readonly TestRecord[], suites: SuiteCounts[], paint: Paint): string[] {
  const all = totals(tests);
  const withInterrupted = all.interrupted > 0;
  const columns = (c: Omit<SuiteCounts, 'suite'>) => [
    [c.passed, 32],
    [c.failed, 31],
    [c.skipped, 33],
    ...(withInterrupted ? [[c.interrupted, 33]] : []),
  ];
  const rows = [...suites.map((s) => [s.suite, columns(s)] as const), ['total', columns(all)] as const];
  const nameWidth = Math.max('suite'.length, ...rows.map((r) => r[0].length));
  const headings = ['passed', 'failed', 'skipped', ...(withInterrupted ? ['interrupted'] : [])];
  const widths = headings.map((h) => Math.max(7, h.length));
  const num = (n: number, code: number, width: number) => {
    const text = String(n).padStart(width);
    return n > 0 ? paint(code, text) : text;
  };
  const lines = [`${'suite'.padEnd(nameWidth)}  ${headings.map((h, i) => h.padStart(widths[i])).join('  ')}`];
  for (const [i, [name, counts]] of rows.entries()) {
    if (i === rows.length - 1) lines.push('-'.repeat(nameWidth + widths.reduce((sum, w) => sum + w + 2, 0)));
    lines.push(`${name.padEnd(nameWidth)}  ${counts.map(([n, code], c) => num(n, code, widths[c])).join('  ')}`);
  }
  return lines;
}

export function formatSummary(input: SummaryInput): string {
  const paint: Paint = (code, text) => (input.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const width = input.width ?? 160;
  const lines: string[] = [];

  if (input.setupFailure !== undefined) {
    lines.push(`${paint(31, 'Setup failed')} before the suites ran: ${firstLine(stripAnsi(input.setupFailure))}`);
  }

  // The pipeline's order (gateway, httproute, routing, header-routing), then any other suites.
  const order = Object.keys(suiteFiles);
  const rank = (suite: string) => (order.includes(suite) ? order.indexOf(suite) : order.length);
  const suites = countBySuite(input.tests).sort((a, b) => rank(a.suite) - rank(b.suite));
  if (suites.length > 0) lines.push(...countsTable(input.tests, suites, paint));
  else if (input.setupFailure === undefined) lines.push('No tests ran.');

  const failed = input.tests.filter((t) => t.state === 'failed');
  if (failed.length > 0) {
    lines.push('', 'Failed:');
    for (const t of failed) {
      lines.push(`  ${paint(31, '✗')} ${t.suite} › ${t.title}`);
      const reason = firstLine(stripAnsi(t.error ?? ''));
      if (reason) lines.push(`      ${truncate(reason, width)}`);
      const classified = classifiedFailure(t.checks);
      if (classified) lines.push(`      ${truncate(classified, width)}`);
    }
  }
  const skipped = input.tests.filter((t) => t.state === 'skipped');
  if (skipped.length > 0) {
    lines.push('', 'Skipped:');
    // Whole suites left out on purpose are one line each, not one line per test.
    const notSelected = skipped.filter((t) => t.skipReason === NOT_SELECTED);
    const others = skipped.filter((t) => t.skipReason !== NOT_SELECTED);
    for (const t of others)
      lines.push(
        `  ${paint(33, '-')} ${t.suite} › ${t.title}${t.skipReason ? `: ${truncate(t.skipReason, width)}` : ''}`,
      );
    for (const suite of [...new Set(notSelected.map((t) => t.suite))]) {
      const count = notSelected.filter((t) => t.suite === suite).length;
      lines.push(`  ${paint(33, '-')} ${suite}: ${count} test${count === 1 ? '' : 's'} ${NOT_SELECTED}`);
    }
  }

  if (input.slowest?.length) {
    lines.push('', 'Slowest phases:');
    const nameWidth = Math.max(...input.slowest.map((p) => p.phase.length));
    for (const p of input.slowest) {
      lines.push(`  ${p.phase.padEnd(nameWidth)}  ${formatSeconds(p.durationMs / 1000).padStart(8)}`);
    }
  }
  const interrupted = input.tests.filter((t) => t.state === 'interrupted');
  if (interrupted.length > 0) {
    lines.push('', 'Interrupted (did not finish):');
    for (const t of interrupted) lines.push(`  ${paint(33, '-')} ${t.suite} › ${t.title}`);
  }

  const reports = input.reports ?? {};
  const where = [
    ['JUnit', reports.junit],
    ['Conformance report', reports.conformance],
    ['Timings', reports.timings],
    ['Diagnostics', reports.diagnostics],
  ].filter((r): r is [string, string] => r[1] !== undefined);
  if (where.length > 0) {
    lines.push('', 'Reports:');
    const labelWidth = Math.max(...where.map(([label]) => label.length));
    for (const [label, path] of where) lines.push(`  ${label.padEnd(labelWidth)}  ${path}`);
  }
  return `${lines.join('\n')}\n`;
}

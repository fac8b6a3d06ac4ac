import { totals, type TestRecord } from '../reports/results.ts';
import type { UpstreamReport, UpstreamStatus } from './report-files.ts';
import { SIMULATED_WARNING } from './report-files.ts';

/**
 * The end-of-run table for a person: passed/failed/skipped per conformance profile and level, as
 * the upstream report counts them, then the go test totals and where the files are.
 */
export interface ConformanceSummaryInput {
  report?: UpstreamReport;
  /** Why there is no upstream report. */
  noReport?: string;
  tests: readonly TestRecord[];
  files: { label: string; path: string }[];
  simulated: boolean;
  color?: boolean;
}

export function formatConformanceSummary(input: ConformanceSummaryInput): string {
  const paint = (code: number, text: string) => (input.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  const rows: [string, string, string, number, number, number][] = [];
  for (const profile of input.report?.profiles ?? []) {
    const levels: [string, UpstreamStatus | undefined][] = [
      ['core', profile.core],
      ['extended', profile.extended],
    ];
    for (const [level, status] of levels) {
      if (!status) continue;
      const s = status.statistics ?? {};
      rows.push([profile.name ?? '?', level, status.result ?? '?', s.Passed ?? 0, s.Failed ?? 0, s.Skipped ?? 0]);
    }
  }
  if (rows.length > 0) {
    const w = [
      Math.max(7, ...rows.map((r) => r[0].length)),
      Math.max(5, ...rows.map((r) => r[1].length)),
      Math.max(6, ...rows.map((r) => r[2].length)),
    ];
    const num = (n: number, code: number) => (n > 0 ? paint(code, String(n).padStart(7)) : String(n).padStart(7));
    const counts = ['passed', 'failed', 'skipped'].map((h) => h.padStart(7)).join('  ');
    lines.push(`${'profile'.padEnd(w[0])}  ${'level'.padEnd(w[1])}  ${'result'.padEnd(w[2])}  ${counts}`);
    for (const [name, level, result, passed, failed, skipped] of rows) {
      lines.push(
        `${name.padEnd(w[0])}  ${level.padEnd(w[1])}  ${result.padEnd(w[2])}  ${num(passed, 32)}  ${num(failed, 31)}  ${num(skipped, 33)}`,
      );
    }
  } else {
    lines.push(`No upstream report: ${input.noReport ?? 'the suite wrote none'}.`);
  }
  const all = totals(input.tests);
  const interrupted = all.interrupted > 0 ? `, ${all.interrupted} interrupted` : '';
  lines.push(
    '',
    `go test: ${all.passed} passed, ${all.failed} failed, ${all.skipped} skipped${interrupted} (tests and sub-tests)`,
  );
  const failed = input.tests.filter((t) => t.state === 'failed');
  for (const t of failed.slice(0, 20))
    lines.push(`  ${paint(31, '✗')} ${t.title}: ${(t.error ?? '').split('\n')[0].slice(0, 160)}`);
  if (failed.length > 20) lines.push(`  … and ${failed.length - 20} more in junit.xml`);
  if (input.simulated) lines.push('', paint(33, SIMULATED_WARNING));
  lines.push('', 'Reports:');
  for (const f of input.files) lines.push(`  ${f.label.padEnd(16)} ${f.path}`);
  return lines.join('\n');
}

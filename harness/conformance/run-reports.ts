import { existsSync } from 'node:fs';
import type { RunOptions } from '../config/options.ts';
import { formatCommand } from '../exec.ts';
import { useColor } from '../log.ts';
import { pins } from '../pins.ts';
import type { Profile } from '../profiles/types.ts';
import type { KindRunPlan } from '../providers/kind/plan.ts';
import { writeJUnit } from '../reports/junit.ts';
import type { TestRecord } from '../reports/results.ts';
import { pinLines, type ConformancePlan } from './plan.ts';
import { writeSubmissionReadme, type CopiedReport } from './report-files.ts';
import { formatConformanceSummary } from './summary.ts';

/**
 * The end of a `kindgate conformance` run: junit.xml, the submission README and the summary on
 * stderr, written once. An interrupt writes them with what finished before its teardown; the
 * run's own flow, still going while the teardown runs, then cannot overwrite them.
 */
export interface RunEnd {
  tests: readonly TestRecord[];
  copied?: CopiedReport;
  /** Why there is no upstream report (a setup failure, an interrupt), also the summary's words. */
  noReport?: { readme: string; summary: string };
  setupFailure?: string;
  diagnostics?: string;
  plan: ConformancePlan;
  /** Whether this run wrote the go test log (a run that failed before the suite leaves none). */
  logWritten: boolean;
  goVersion?: string;
}

export class ConformanceReports {
  private written?: Promise<void>;

  constructor(
    private readonly argv: readonly string[],
    private readonly options: RunOptions,
    private readonly profile: Profile,
    private readonly kindPlan: KindRunPlan | undefined,
  ) {}

  write(end: RunEnd): Promise<void> {
    this.written ??= this.writeOnce(end);
    return this.written;
  }

  /** Resolves once reports being written (if any) are on disk. */
  async settled(): Promise<void> {
    await this.written?.catch(() => undefined);
  }

  private async writeOnce(end: RunEnd): Promise<void> {
    const { options, profile } = this;
    const simulated = options.provider === 'sim';
    const junit = await writeJUnit(options.reportDir, end.tests, { setupFailure: end.setupFailure });
    const readme = await writeSubmissionReadme(options.reportDir, {
      implementation: profile.implementation,
      gatewayApiVersion: pins.gatewayApi.version,
      report: end.copied,
      noReport: end.noReport?.readme,
      command: formatCommand({ file: 'npx', args: ['kindgate', 'conformance', ...this.argv] }),
      pins: pinLines(end.plan, this.kindPlan, end.goVersion),
      simulated,
    });
    const files = [
      ...(end.copied ? [{ label: 'upstream report', path: end.copied.path }] : []),
      { label: 'README.md', path: readme },
      ...(end.logWritten && existsSync(end.plan.logFile) ? [{ label: 'go test log', path: end.plan.logFile }] : []),
      { label: 'JUnit', path: junit },
      ...(end.diagnostics ? [{ label: 'diagnostics', path: end.diagnostics }] : []),
    ];
    const summary = formatConformanceSummary({
      report: end.copied?.report,
      noReport: end.noReport?.summary,
      tests: end.tests,
      files,
      simulated,
      color: useColor(process.stderr),
    });
    process.stderr.write(`\n${summary}\n`);
  }
}

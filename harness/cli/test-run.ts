import type { RunOptions } from '../config/options.ts';
import { asSetupError, ExitCode, KindgateError } from '../errors.ts';
import { claimReportDir } from '../reports/report-dir.ts';
import { useColor, type Logger } from '../log.ts';
import { pins } from '../pins.ts';
import type { Profile } from '../profiles/types.ts';
import { NOT_SELECTED } from '../reports/summary.ts';
import {
  collectDiagnosticsStep,
  diagnosableSetupFailure,
  failureOf,
  formatSummary,
  ResultCollector,
  writeRunReports,
  type ExpectedTest,
  type TestRecord,
} from '../reports/index.ts';
import { runSuites } from '../run/suites.ts';
import { catalogEntries } from '../../suites/catalog.ts';
import { Session } from '../run/session.ts';
import { timedPhase, type PhaseRecorder } from '../timings.ts';
import {
  formatComparison,
  slowerPhases,
  slowestPhases,
  suitePhases,
  timingEntries,
  timingsFileName,
  writeTimings,
  type TimingEntry,
} from '../reports/timings.ts';
import { fixtureRouteSubjects } from '../run/handle.ts';
import { join } from 'node:path';
import { INTERRUPT_EXIT_CODES } from '../run/interrupt.ts';

/** What `kindgate test` has read and checked before the run (test-command.ts). */
export interface TestRunInput {
  options: RunOptions;
  profile: Profile;
  log: Logger;
  phases: PhaseRecorder;
  /** The earlier run's timings (--compare), read before this run clears the report dir. */
  baseline?: { path: string; entries: TimingEntry[] };
}

/**
 * The run of `kindgate test` once its options are good: provision, run the suites, write JUnit +
 * ConformanceReport (always) and a diagnostics bundle (on any failure), tear down, and write every
 * phase's timing and every check's convergence to timings.json. Returns the exit code (see README).
 */
export async function runTest({ options, profile, log, phases, baseline }: TestRunInput): Promise<number> {
  const session = await Session.create(options, profile, log);
  // After the fixtures were read (a typo there leaves the last run's reports alone), before anything is provisioned.
  let reportDir: ReturnType<typeof claimReportDir>;
  try {
    reportDir = claimReportDir(options.reportDir);
  } catch (error) {
    await session.teardown();
    throw error;
  }
  const collector = new ResultCollector();
  const reports = new RunReports(options, profile);
  let setupError: KindgateError | undefined;
  let diagnostics: string | undefined;
  let tests: TestRecord[] | undefined;
  const diagnose = async (records: readonly TestRecord[], failure?: string) => {
    diagnostics ??= await collectBundle(session, options, profile, log, records, failure);
  };
  // From the process start to here: Node.js, the TypeScript loader, kindgate and its libraries.
  phases.add('start-up', 0, performance.now(), { detail: `Node.js ${process.version}` });
  const stopSuites = new AbortController();
  let suites: Promise<boolean> | undefined;
  // Interrupted once the suites have started: the reports say what finished and what did not,
  // written before the teardown; vitest is stopped so no test starts against a vanishing cluster.
  session.beforeInterruptTeardown(async () => {
    if (!suites) return reports.settled(); // reports of a setup failure may be under way: not cut short
    const why = `interrupted (${session.interrupted}) before it finished`;
    const tests = [...collector.interruptedResults(expectedTests(options.suites), why), ...notSelected(options.suites)];
    const written = await reports.write(tests);
    process.stderr.write(`\n${formatSummary({ tests, reports: written, color: useColor(process.stderr) })}\n`);
    stopSuites.abort();
    await suites.catch(() => false);
  });
  try {
    let passed = false;
    try {
      const provisioned = await session.provision({
        // A failed start cleans up after itself; collect while the cluster is still there. Preflight
        // and usage failures (exit 3, 2) happen before there is anything to look at.
        beforeCleanup: async (error) => {
          const setupFailure = diagnosableSetupFailure(error, session.provider);
          if (setupFailure) await diagnose([], setupFailure);
        },
      });
      if (session.interrupted) return interruptedExitCode(session);
      suites = timedPhase(phases, 'suites', () =>
        runSuites(provisioned.handle, {
          log,
          suites: options.suites,
          reporters: [collector],
          cacheDir: options.cacheDir,
          signal: stopSuites.signal,
        }),
      );
      passed = await suites;
      for (const phase of suitePhases(collector.results, fixtureRouteSubjects(provisioned.handle)))
        phases.record(phase);
    } catch (error) {
      // An interrupt tears the cluster down under the run: what fails then is no setup failure.
      if (session.interrupted) return interruptedExitCode(session);
      setupError = asSetupError(error);
      // Nothing was provisioned when preflight or usage failed: no reports for a run that never was.
      if (!session.started || setupError.exitCode !== ExitCode.setup) throw setupError;
    }
    if (session.interrupted) return interruptedExitCode(session);
    // Suites left out with --suites are reported as skipped: a subset run must not read as a
    // full success in the conformance report.
    tests = [...collector.results, ...notSelected(options.suites)];
    const written = await reports.write(tests, setupError?.message);
    if ((setupError || !passed) && !session.interrupted) await diagnose(tests, setupError?.message);
    // Interrupted meanwhile: the interrupt printed the summary (of the reports written once).
    if (session.interrupted) return interruptedExitCode(session);
    const summary = formatSummary({
      tests,
      setupFailure: setupError?.message,
      reports: { ...written, timings: join(options.reportDir, timingsFileName), diagnostics },
      color: useColor(process.stderr),
      slowest: slowestPhases(phases.phases),
    });
    process.stderr.write(`\n${summary}\n`);
    if (setupError) throw setupError;
    return passed ? ExitCode.ok : ExitCode.suiteFailed;
  } finally {
    // When interrupted, this waits for the interrupt's teardown, which exits the process.
    await timedPhase(phases, 'teardown', () => session.teardown());
    // Timings belong with the reports: none for a run that stopped before it provisioned anything.
    if (tests) await writeRunTimings(options.reportDir, timingEntries(phases.phases, tests), baseline, log);
    reportDir.release();
  }
}

/** timings.json, then (with --compare) what got slower than in the earlier run; neither changes the exit code. */
async function writeRunTimings(
  dir: string,
  entries: TimingEntry[],
  baseline: { path: string; entries: TimingEntry[] } | undefined,
  log: Logger,
): Promise<void> {
  try {
    await writeTimings(dir, entries);
  } catch (error) {
    log.warn(`timings could not be written: ${(error as Error).message}`);
  }
  if (baseline) process.stderr.write(formatComparison(slowerPhases(baseline.entries, entries), baseline.path));
}

/** The exit code of an interrupted run (the interrupt itself exits with it; this is for the record). */
function interruptedExitCode(session: Session): number {
  return INTERRUPT_EXIT_CODES[session.interrupted!];
}

/**
 * JUnit and the ConformanceReport, written once: an interrupt writes them first with what
 * finished, and the run's own flow, still going while the teardown runs, cannot overwrite them.
 */
class RunReports {
  private written?: Promise<{ junit: string; conformance: string }>;

  constructor(
    private readonly options: RunOptions,
    private readonly profile: Profile,
  ) {}

  write(tests: readonly TestRecord[], setupFailure?: string): Promise<{ junit: string; conformance: string }> {
    this.written ??= writeRunReports(this.options.reportDir, {
      tests,
      setupFailure,
      profile: this.profile,
      gatewayAPIVersion: pins.gatewayApi.version,
      channel: this.options.channel,
      provider: this.options.provider,
    });
    return this.written;
  }

  /** Resolves once reports being written (if any) are on disk. */
  async settled(): Promise<void> {
    await this.written?.catch(() => undefined);
  }
}

/** The catalog's tests of the chosen suites: what an interrupted run reports as not finished. */
function expectedTests(suites: readonly string[] | undefined): ExpectedTest[] {
  return catalogEntries
    .filter((entry) => !suites || suites.includes(entry.suite))
    .map(({ suite, title, id }) => ({ suite, title, id }));
}

/** The diagnostics bundle of the run's namespaces and fixture Gateways (reports/diagnostics-step.ts). */
function collectBundle(
  session: Session,
  options: RunOptions,
  profile: Profile,
  log: Logger,
  tests: readonly TestRecord[],
  setupFailure: string | undefined,
): Promise<string | undefined> {
  const gateways = session.fixtures.flatMap((f) => f.objects).filter((o) => o.kind === 'Gateway');
  return collectDiagnosticsStep({
    provider: session.provider,
    kube: session.provisioned?.kube,
    context: options.context,
    dir: options.reportDir,
    scope: async () => ({
      namespaces: [options.gatewayNamespace, options.namespace],
      gateways: gateways.map((g) => ({ namespace: g.metadata.namespace ?? options.namespace, name: g.metadata.name })),
    }),
    profile,
    failure: failureOf(tests, setupFailure),
    log,
  });
}

function notSelected(suites: readonly string[] | undefined): TestRecord[] {
  if (!suites) return [];
  return catalogEntries
    .filter((entry) => !suites.includes(entry.suite))
    .map((entry) => ({
      suite: entry.suite,
      title: entry.title,
      id: entry.id,
      state: 'skipped',
      durationMs: 0,
      skipReason: NOT_SELECTED,
    }));
}

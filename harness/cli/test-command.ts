import { existsSync } from 'node:fs';
import type { RunOptions } from '../config/options.ts';
import { parseRunOptions } from '../config/parse.ts';
import { asSetupError, ExitCode, KindgateError } from '../errors.ts';
import { claimReportDir } from '../reports/report-dir.ts';
import { createLogger, useColor, type Logger } from '../log.ts';
import { pins } from '../pins.ts';
import { getProfile } from '../profiles/index.ts';
import type { Profile } from '../profiles/types.ts';
import { NOT_SELECTED } from '../reports/summary.ts';
import {
  collectDiagnostics,
  failureOf,
  formatSummary,
  ResultCollector,
  writeRunReports,
  type TestRecord,
} from '../reports/index.ts';
import { runSuites } from '../run/suites.ts';
import { catalogEntries } from '../../suites/catalog.ts';
import { checkCacheDir } from './cache-dir.ts';
import { printPlan } from './dry-run.ts';
import type { Session } from '../run/session.ts';
import { PhaseRecorder, timedPhase } from '../timings.ts';
import {
  formatComparison,
  readTimings,
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

/**
 * `kindgate test`: provision, run the suites, write JUnit + ConformanceReport (always) and a
 * diagnostics bundle (on any failure), tear down, and write every phase's timing and every
 * check's convergence to timings.json. Returns the exit code (see README).
 */
export async function testCommand(argv: string[]): Promise<number> {
  const options = parseRunOptions('test', argv);
  const phases = new PhaseRecorder();
  const log = createLogger({ verbose: options.verbose, phases });
  const profile = getProfile(options.profile);
  if (options.dryRun) return printPlan(options, profile, 'test');
  checkCacheDir(options);
  // Read before the run: --compare may name the report dir this run writes into (and clears).
  const baseline = options.compare === undefined ? undefined : await readTimings(options.compare);

  // Loaded only once the options are known to be good: the Kubernetes client takes a second.
  const { Session } = await import('../run/session.ts');
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
  let setupError: KindgateError | undefined;
  let diagnostics: string | undefined;
  let tests: TestRecord[] | undefined;
  const diagnose = async (records: readonly TestRecord[], failure?: string) => {
    diagnostics ??= await collectBundle(session, options, profile, log, records, failure);
  };
  // From the process start to here: Node.js, the TypeScript loader, kindgate and its libraries.
  phases.add('start-up', 0, performance.now(), { detail: `Node.js ${process.version}` });
  try {
    let passed = false;
    try {
      const provisioned = await session.provision({
        // A failed start cleans up after itself; collect while the cluster is still there. Preflight
        // and usage failures (exit 3, 2) happen before there is anything to look at.
        beforeCleanup: async (error) => {
          const setup = asSetupError(error);
          if (setup.exitCode === ExitCode.setup && existsSync(session.provider.kubeconfigPath()))
            await diagnose([], setup.message);
        },
      });
      passed = await timedPhase(phases, 'suites', () =>
        runSuites(provisioned.handle, {
          log,
          suites: options.suites,
          reporters: [collector],
          cacheDir: options.cacheDir,
        }),
      );
      for (const phase of suitePhases(collector.results, fixtureRouteSubjects(provisioned.handle)))
        phases.record(phase);
    } catch (error) {
      setupError = asSetupError(error);
      // Nothing was provisioned when preflight or usage failed: no reports for a run that never was.
      if (!session.started || setupError.exitCode !== ExitCode.setup) throw setupError;
    }
    // Suites left out with --suites are reported as skipped: a subset run must not read as a
    // full success in the conformance report.
    tests = [...collector.results, ...notSelected(options.suites)];
    const reports = await writeRunReports(options.reportDir, {
      tests,
      setupFailure: setupError?.message,
      profile,
      gatewayAPIVersion: pins.gatewayApi.version,
      channel: options.channel,
      provider: options.provider,
    });
    if (setupError || !passed) await diagnose(tests, setupError?.message);
    const summary = formatSummary({
      tests,
      setupFailure: setupError?.message,
      reports: { ...reports, timings: join(options.reportDir, timingsFileName), diagnostics },
      color: useColor(process.stderr),
      slowest: slowestPhases(phases.phases),
    });
    process.stderr.write(`\n${summary}\n`);
    if (setupError) throw setupError;
    return passed ? ExitCode.ok : ExitCode.suiteFailed;
  } finally {
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

/** The diagnostics bundle, best-effort: a run's failure must never be hidden by a failing collection. */
async function collectBundle(
  session: Session,
  options: RunOptions,
  profile: Profile,
  log: Logger,
  tests: readonly TestRecord[],
  setupFailure: string | undefined,
): Promise<string | undefined> {
  const started = performance.now();
  try {
    const { Kube } = await import('../kube/client.ts');
    const kube = session.provisioned?.kube ?? Kube.fromFile(session.provider.kubeconfigPath(), options.context);
    const gateways = session.fixtures.flatMap((f) => f.objects).filter((o) => o.kind === 'Gateway');
    const bundle = await collectDiagnostics({
      kube,
      dir: options.reportDir,
      namespaces: [options.gatewayNamespace, options.namespace],
      gateways: gateways.map((g) => ({ namespace: g.metadata.namespace ?? options.namespace, name: g.metadata.name })),
      profile,
      failure: failureOf(tests, setupFailure),
      providerDiagnose: session.provider.diagnose ? (dir) => session.provider.diagnose!(dir, log) : undefined,
      log,
    });
    log.step(`diagnostics collected in ${bundle.dir}`, (performance.now() - started) / 1000);
    log.phases?.add('diagnostics', started);
    return bundle.dir;
  } catch (error) {
    log.warn(`diagnostics could not be collected: ${(error as Error).message}`);
    log.phases?.add('diagnostics', started, performance.now(), { failed: true });
    return undefined;
  }
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

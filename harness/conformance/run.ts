import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunOptions } from '../config/options.ts';
import { asSetupError, EnvironmentError, ExitCode, SetupError } from '../errors.ts';
import { formatCommand, runCommand, tail } from '../exec.ts';
import { timedStep, type Logger } from '../log.ts';
import { pins } from '../pins.ts';
import type { Profile } from '../profiles/types.ts';
import { createProvider } from '../providers/index.ts';
import { engineFromEnv } from '../providers/kind/engine.ts';
import { writeInternalKubeconfig } from '../providers/kind/internal-kubeconfig.ts';
import type { KindProvider } from '../providers/kind/provider.ts';
import { httpDownloader } from '../providers/kind/tools/download.ts';
import type { TestRecord } from '../reports/results.ts';
import { claimReportDir } from '../reports/report-dir.ts';
import { INTERRUPT_EXIT_CODES, onInterrupt, once, type InterruptReason } from '../run/interrupt.ts';
import { diagnosableSetupFailure } from '../reports/diagnostics-step.ts';
import { collectUpstreamDiagnostics } from './diagnostics.ts';
import { learnGoProxy, type HostGoProxy } from './go-proxy.ts';
import { checkGo } from './go-toolchain.ts';
import { GoTestOutput, type ResultLine } from './go-test-output.ts';
import { kubeconfigForContext } from './kubeconfig-context.ts';
import type { ConformanceOptions } from './options.ts';
import { planConformance, upstreamClusterChanges, type ConformancePlan } from './plan.ts';
import { copyUpstreamReport, SIMULATED_WARNING, type CopiedReport } from './report-files.ts';
import { ConformanceReports } from './run-reports.ts';
import { startContainerRunner } from './runner-container.ts';
import { startLocalRunner, type RunnerHandle } from './runner-local.ts';
import { planWorkspace, prepareWorkspace, type WorkspacePlan } from './workspace.ts';

export interface ConformanceRunInput {
  /** The user's arguments after `conformance` (the README's Reproduce command). */
  argv: string[];
  options: RunOptions;
  conformance: ConformanceOptions;
  profile: Profile;
  log: Logger;
}

function engineMissingMessage(engine: string, why: string): string {
  return `The runner container needs a reachable ${engine} engine (${why}); start it, or use --runner local with Go on PATH.`;
}

function notStartedMessage(exitCode: number, preamble: string[], logFile: string): string {
  const why = tail(preamble.filter((l) => l.trim() && !l.startsWith('# kindgate')).join('\n'), 3).replace(/\n/g, ' | ');
  const what = `The upstream suite did not start (exit code ${exitCode}${why ? `: ${why}` : ''})`;
  return `${what}; see ${logFile}, check that the Go module proxy is reachable (GOPROXY), and retry.`;
}

function runnerFetchesMessage(workspace: WorkspacePlan): string {
  const { proxy } = workspace.sources;
  const why = proxy
    ? `${proxy.from} names no proxy to download from here`
    : 'no Go module proxy is known on this machine';
  return `${why}: the runner's Go fetches the upstream suite ${workspace.version} itself and checks it against the pinned go.sum`;
}

function sourcesStepLabel(workspace: WorkspacePlan): string {
  const what =
    workspace.sources.kind === 'host' ? 'sources verified (sha256)' : 'module written (go.sum pins every dependency)';
  return `upstream suite ${workspace.version} ${what}`;
}

/** One line per upstream test as it finishes (sub-sub-tests only with --verbose). */
function progress(log: Logger, result: ResultLine | undefined): void {
  if (!result) return;
  const name = result.name.split('/').join(' › ');
  if (result.depth > 1) log.debug(`${result.state} ${name}`);
  else if (result.state === 'passed') log.step(name, result.seconds);
  else if (result.state === 'failed') log.fail(name, result.seconds);
  else log.warn(`${name} skipped`);
}

/**
 * `kindgate conformance` after its options are known to be good: provision as `kindgate test`
 * does, run the upstream suite instead of kindgate's, keep its report untouched, and tear down.
 * Returns the exit code: 0 passed, 1 an upstream test failed, 4 setup failed (thrown). Interrupted
 * (harness/run/interrupt.ts, as `test` and `up`), it stops the suite, writes the reports of what
 * finished, tears down and exits 130/143/129 itself: the run's own flow then never exits first.
 */
export async function runConformance(input: ConformanceRunInput): Promise<number> {
  const { options, conformance, profile, log } = input;
  // The same hold on --report-dir as `kindgate test`: no other live run writes there, and the
  // JUnit and diagnostics a previous run left are cleared first (the process exit releases it too).
  const reportDir = claimReportDir(options.reportDir);
  const simulated = options.provider === 'sim';
  const stagingDir = mkdtempSync(join(tmpdir(), 'kindgate-conformance-'));
  const provider = await createProvider(options, profile, { changes: upstreamClusterChanges() });
  const kindPlan = (provider as Partial<KindProvider>).plan;
  const reports = new ConformanceReports(input.argv, options, profile, kindPlan);
  const output = new GoTestOutput();
  let runner: RunnerHandle | undefined;
  let removeInternal: (() => Promise<void>) | undefined;
  let started = false;
  let plan: ConformancePlan | undefined;
  let goVersion: string | undefined;
  let goProxy: HostGoProxy | undefined;
  let copied: CopiedReport | undefined;
  const stop = once(async () => {
    await runner?.stop();
    await removeInternal?.().catch(() => undefined);
    if (started) {
      const t0 = performance.now();
      await provider.stop(log);
      log.step(options.keep ? 'teardown done (cluster kept)' : 'teardown done', (performance.now() - t0) / 1000);
    }
    rmSync(stagingDir, { recursive: true, force: true });
  });
  const interrupts = onInterrupt(
    async () => {
      await stop();
      if (!started) log.step('teardown done (nothing to tear down)');
    },
    {
      log: (m) => log.warn(m),
      // Once the suite has started: stop it (no test goes on against a vanishing cluster), then the
      // reports of what finished, every other test as interrupted.
      beforeTeardown: async () => {
        if (!runner || !plan || !output.started) return reports.settled();
        await runner.stop();
        const why = `interrupted (${interrupts.reason}) before it finished`;
        await reports.write({
          tests: output.records('upstream', why),
          copied,
          noReport: copied ? undefined : { readme: why, summary: why },
          plan,
          logWritten: true,
          goVersion,
        });
      },
    },
  );
  /** The run ends here: after an interrupt, its teardown exits the process (with its code). */
  const teardown = async () => {
    if (!interrupts.reason) await stop();
    if (interrupts.reason) await interrupts.handled;
    interrupts.release();
  };
  let setupFailure: string | undefined;
  let logWritten = false;
  let diagnostics: string | undefined;
  const tests: TestRecord[] = [];
  let exitCode: number = ExitCode.ok;
  try {
    try {
      // Before anything is created: the toolchain or the engine (exit 3), then the verified sources.
      if (conformance.runner === 'local') {
        goVersion = await checkGo(runCommand, log);
        log.step(`${goVersion} on PATH (the suite needs >= ${pins.conformance.goMinimum})`);
      } else if (options.provider === 'existing') {
        // kind checks its engine in its own preflight; an existing cluster's runner needs one too.
        const engine = engineFromEnv();
        const info = { file: engine, args: ['info', '--format', '{{.ServerVersion}}'], timeoutMs: 30_000 };
        await runCommand(info, log).catch((error: Error) => {
          throw new EnvironmentError(engineMissingMessage(engine, error.message.split('\n')[0].replace(/\.$/, '')));
        });
      }
      goProxy = await learnGoProxy(process.env, runCommand, log);
      const workspace = planWorkspace(options.cacheDir, goProxy);
      if (workspace.sources.kind !== 'host') log.info(runnerFetchesMessage(workspace));
      await timedStep(log, sourcesStepLabel(workspace), () => prepareWorkspace(workspace, httpDownloader, log));
      if (interrupts.reason) return interruptedExitCode(interrupts.reason);
      started = true;
      await provider.start(log, {
        beforeCleanup: async (error) => {
          const setupFailure = diagnosableSetupFailure(error, provider);
          if (setupFailure)
            diagnostics = await collectUpstreamDiagnostics({
              provider,
              options,
              profile,
              failedTests: [],
              setupFailure,
              log,
            });
        },
      });
      if (simulated) log.warn(SIMULATED_WARNING);
      const kubeconfig = await kubeconfigForContext(
        provider.kubeconfigPath(),
        options.provider === 'existing' ? options.context : undefined,
        stagingDir,
      );
      plan = planConformance(options, conformance, profile, {
        stagingDir,
        kubeconfig,
        kindPlan,
        containerName: `kindgate-conformance-${randomBytes(3).toString('hex')}`,
        goProxy,
      });
      const internal = plan.internalKubeconfig;
      if (internal && kindPlan)
        removeInternal = await timedStep(log, `internal kubeconfig ${internal.path}`, () =>
          writeInternalKubeconfig(kindPlan, internal.path, log),
        );
    } catch (error) {
      // An interrupt tears the cluster down under the run: what fails then is no setup failure.
      if (interrupts.reason) return interruptedExitCode(interrupts.reason);
      const setup = asSetupError(error);
      if (!started || setup.exitCode !== ExitCode.setup) throw setup;
      setupFailure = setup.message;
    }
    if (interrupts.reason) return interruptedExitCode(interrupts.reason);
    if (plan && !setupFailure) {
      const t0 = performance.now();
      let spawned = t0;
      const io = {
        logFile: plan.logFile,
        log,
        onSpawn: () => (spawned = performance.now()),
        onLine: (line: string) => {
          const wasStarted = output.started;
          const result = output.feed(line);
          if (!wasStarted && output.started) startedStep(log, plan!, (performance.now() - spawned) / 1000);
          log.debug(line);
          progress(log, result);
        },
      };
      if (plan.runner.kind === 'container') {
        log.info(`upstream suite: $ ${formatCommand(plan.runner.run)}`);
        await writeFile(plan.logFile, `# kindgate: $ ${formatCommand(plan.runner.run)}\n`);
        logWritten = true;
        runner = startContainerRunner(plan.runner, io);
      } else {
        await writeFile(plan.logFile, '');
        logWritten = true;
        runner = startLocalRunner(plan.runner, plan.workspace.version, io);
      }
      const outcome = await runner.done.catch((error: unknown) => {
        if (interrupts.reason) return { exitCode: interruptedExitCode(interrupts.reason), report: undefined };
        throw error;
      });
      if (interrupts.reason) return interruptedExitCode(interrupts.reason);
      tests.push(...output.records());
      if (outcome.exitCode !== 0 && !output.started)
        setupFailure = notStartedMessage(outcome.exitCode, output.preamble, plan.logFile);
      else if (outcome.exitCode !== 0) exitCode = ExitCode.suiteFailed;
      if (outcome.report) copied = await copyUpstreamReport(outcome.report, options.reportDir);
      if (outcome.exitCode !== 0)
        diagnostics ??= await collectUpstreamDiagnostics({
          provider,
          options,
          profile,
          failedTests: tests.filter((t) => t.state === 'failed'),
          setupFailure,
          log,
        });
    }
    // Interrupted meanwhile: the interrupt writes the reports (once) and exits.
    if (interrupts.reason) return interruptedExitCode(interrupts.reason);
    await reports.write({
      tests,
      copied,
      noReport: setupFailure ? { readme: `setup failed: ${setupFailure}`, summary: 'setup failed' } : undefined,
      setupFailure,
      diagnostics,
      plan:
        plan ??
        planConformance(options, conformance, profile, {
          stagingDir,
          kubeconfig: '',
          kindPlan,
          containerName: '',
          goProxy,
        }),
      logWritten,
      goVersion,
    });
    if (setupFailure) throw new SetupError(setupFailure);
    return exitCode;
  } finally {
    await teardown();
    reportDir.release();
  }
}

/** What an interrupted run returns, for the record: the interrupt's teardown exits with it first. */
function interruptedExitCode(reason: InterruptReason): number {
  return INTERRUPT_EXIT_CODES[reason];
}

/** The first test began: the container built and started the suite, the local runner started its binary. */
function startedStep(log: Logger, plan: ConformancePlan, seconds: number): void {
  log.step(plan.runner.kind === 'container' ? 'upstream suite built and started' : 'upstream suite started', seconds);
}

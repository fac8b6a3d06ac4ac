import type { Reporter, TestCase, TestSpecification } from 'vitest/node';
import { type Logger } from '../log.ts';
import { packageRoot } from '../package-paths.ts';
import { keepNewSignalListenersOut } from './signal-guard.ts';
import { suiteGlob, type SuiteName } from '../../suites/catalog.ts';
import type { ClusterHandle } from './handle.ts';

export interface SuiteRunOptions {
  /** Catalog suite names to run; undefined = all. */
  suites?: readonly string[];
  /** Extra vitest reporters (result collection for JUnit and the conformance report). */
  reporters?: Reporter[];
  log: Logger;
  /** Aborting it (an interrupt) cancels the run under way, closes vitest and starts no further pass. */
  signal?: AbortSignal;
}

/** One line per test as it finishes; the failure reason under a failed one. */
function progressReporter(log: Logger): Reporter {
  return {
    onTestCaseResult(test: TestCase) {
      const result = test.result();
      // fullName is "suite > describe… > test": show it as "suite › … › test".
      const name = test.fullName.split(' > ').join(' › ');
      const seconds = (test.diagnostic()?.duration ?? 0) / 1000;
      if (result.state === 'passed') log.step(name, seconds);
      else if (result.state === 'failed') {
        log.fail(name, seconds);
        for (const error of result.errors ?? []) log.info(`  ${String(error.message).split('\n')[0]}`);
      } else if (result.state === 'skipped') log.warn(`${name} skipped${result.note ? `: ${result.note}` : ''}`);
    },
  };
}

/**
 * The suites run in two passes: the troubleshooting suite attaches routes of its own to the
 * fixture Gateway, which would change the listener's attachedRoutes while the gateway suite
 * asserts the exact count. So it runs after the others, one case file after another as its
 * cases always ran.
 */
const LAST = suiteGlob('troubleshooting');

export interface SuitePass {
  include: string[];
  exclude: string[];
  /** One file at a time, in file-name order. */
  sequential: boolean;
}

/** The vitest file patterns of each pass; only the chosen suites (default: every suite file). */
export function suitePasses(suites?: readonly string[]): SuitePass[] {
  const chosen = suites?.map((s) => suiteGlob(s as SuiteName));
  const first = chosen
    ? { include: chosen.filter((f) => f !== LAST), exclude: [], sequential: false }
    : { include: ['suites/**/*.test.ts'], exclude: [LAST, 'suites/**/*.unit.test.ts'], sequential: false };
  const last = !chosen || chosen.includes(LAST) ? [{ include: [LAST], exclude: [], sequential: true }] : [];
  return [...(first.include.length ? [first] : []), ...last];
}

/**
 * Run the conformance suites (suites/*.test.ts) with vitest against a provisioned cluster.
 * Returns true when every test passed.
 */
export async function runSuites(handle: ClusterHandle, options: SuiteRunOptions): Promise<boolean> {
  const { BaseSequencer, createVitest } = await import('vitest/node');
  /** File-name order (the case files are numbered), instead of vitest's slowest-first. */
  class FileNameOrder extends BaseSequencer {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
      return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
    }
  }
  const t = handle.timeouts;
  // A test may wait for a Gateway, then for consistent responses; leave room for both.
  const testTimeout = Math.max(t.gatewayMs, t.routeMs) + t.consistencyMs + 30_000;
  let allPassed = true;
  for (const pass of suitePasses(options.suites)) {
    if (options.signal?.aborted) return false;
    // vitest exits the process on SIGINT/SIGTERM within a millisecond; the run's own handler must
    // tear the cluster down first, so vitest's are kept out from the moment it is created.
    const releaseSignals = keepNewSignalListenersOut();
    const vitest = await createVitest(
      'test',
      {
        root: packageRoot,
        config: false,
        watch: false,
        include: pass.include,
        exclude: pass.exclude,
        ...(pass.sequential ? { fileParallelism: false, sequence: { sequencer: FileNameOrder } } : {}),
        reporters: [progressReporter(options.log), ...(options.reporters ?? [])],
        provide: { kindgate: handle },
        testTimeout,
        hookTimeout: testTimeout,
        passWithNoTests: false,
        // The suites share one module graph: each file would otherwise re-import the Kubernetes client.
        isolate: false,
      } as never,
      { logLevel: 'silent' },
    ).catch((error: unknown) => {
      releaseSignals();
      throw error;
    });
    // An interrupt stops the run: no new test starts; close() below ends the workers.
    const cancel = () => void vitest.cancelCurrentRun('keyboard-input');
    options.signal?.addEventListener('abort', cancel, { once: true });
    try {
      if (options.signal?.aborted) return false;
      await vitest.start();
      const failed =
        vitest.state.getCountOfFailedTests() > 0 ||
        vitest.state.getUnhandledErrors().length > 0 ||
        vitest.state.getFiles().some((file) => file.result?.state === 'fail');
      const ran = vitest.state.getFiles().length > 0;
      allPassed &&= ran && !failed;
    } finally {
      options.signal?.removeEventListener('abort', cancel);
      await vitest.close();
      releaseSignals();
    }
  }
  return allPassed;
}

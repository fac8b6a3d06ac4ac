import { accessSync, constants, mkdirSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Reporter, TestCase, TestSpecification, Vitest } from 'vitest/node';
import { classifiedFailure } from '../convergence.ts';
import { type Logger } from '../log.ts';
import { packageRoot } from '../package-paths.ts';
import { compiledSuiteOptions } from './compiled-suites.ts';
import { keepNewSignalListenersOut } from './signal-guard.ts';
import { timedPhase } from '../timings.ts';
import { suiteFiles, suiteGlob, type SuiteName } from '../../suites/catalog.ts';
import { checksOf } from '../../suites/check-meta.ts';
import type { ClusterHandle } from './handle.ts';

export interface SuiteRunOptions {
  /** Catalog suite names to run; undefined = all. */
  suites?: readonly string[];
  /** Extra vitest reporters (result collection for JUnit and the conformance report). */
  reporters?: Reporter[];
  log: Logger;
  /** kindgate's cache directory: vitest keeps the suites' transformed modules under it between runs. */
  cacheDir?: string;
  /** Aborting it (an interrupt) cancels the run under way, closes vitest and starts no further pass. */
  signal?: AbortSignal;
}

/**
 * vitest's module cache on disk (keyed by each file's content, vitest's and vite's versions and the
 * lockfile): a run then skips transforming the suites and the harness they import. In kindgate's
 * own cache directory, never the package's (it may be read-only); none when that is not writable.
 * With the compiled harness, one per build (`build`, its directory): what vitest keeps of a suite
 * names the build's modules by path; the caches of builds unused for a week are removed.
 */
export function transformCache(cacheDir: string | undefined, build: string | undefined, log: Logger): object {
  if (!cacheDir) return {};
  const dir = build ? join(cacheDir, 'vitest', `compiled-${basename(build)}`) : join(cacheDir, 'vitest');
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    if (build) removeUnusedBuildCaches(dirname(dir), dir);
  } catch (error) {
    log.debug(`no vitest module cache: ${dir} is not writable (${(error as Error).message})`);
    return {};
  }
  return { experimental: { fsModuleCache: true, fsModuleCachePath: dir } };
}

const UNUSED_BUILD_CACHE_MS = 7 * 24 * 3600_000;

function removeUnusedBuildCaches(parent: string, current: string): void {
  const now = new Date();
  utimesSync(current, now, now);
  for (const name of readdirSync(parent).filter((n) => n.startsWith('compiled-'))) {
    const path = join(parent, name);
    if (path !== current && now.getTime() - statSync(path).mtimeMs > UNUSED_BUILD_CACHE_MS)
      rmSync(path, { recursive: true, force: true });
  }
}

/** One line per test as it finishes; the failure reason under a failed one, and how its check failed. */
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
        const classified = classifiedFailure(checksOf(test));
        if (classified) log.info(`  ${classified}`);
      } else if (result.state === 'skipped') log.warn(`${name} skipped${result.note ? `: ${result.note}` : ''}`);
    },
  };
}

/**
 * The troubleshooting suite attaches routes of its own to the fixture Gateway, which would change
 * the listener's attachedRoutes while the gateway suite asserts the exact count. So its files run
 * after every other suite file, one after another in file-name order (the case files are
 * numbered), as its cases always ran.
 */
const TROUBLESHOOTING_DIR = suiteFiles.troubleshooting;

/** The vitest file patterns of the chosen suites (default: every suite file). */
export function suiteSelection(suites?: readonly string[]): { include: string[]; exclude: string[] } {
  if (suites) return { include: suites.map((s) => suiteGlob(s as SuiteName)), exclude: [] };
  return { include: ['suites/**/*.test.ts'], exclude: ['suites/**/*.unit.test.ts'] };
}

/** The order the suite files run in: the other suites' files first, then troubleshooting's; each by name. */
export function runOrder(a: string, b: string): number {
  const last = (file: string) => (file.includes(TROUBLESHOOTING_DIR) ? 1 : 0);
  return last(a) - last(b) || a.localeCompare(b);
}

/**
 * Run the conformance suites (suites/*.test.ts) with vitest against a provisioned cluster.
 * Returns true when every test passed.
 *
 * Every file runs in one worker, one after another (troubleshooting last): a worker costs a
 * second of start-up (the Kubernetes client, undici and the harness load in it), more than the
 * suites' own waits overlapping in parallel workers would save; with isolate off the files share
 * the one module graph and its Kubernetes client.
 */
export async function runSuites(handle: ClusterHandle, options: SuiteRunOptions): Promise<boolean> {
  const phases = options.log.phases;
  const t = handle.timeouts;
  // A test may wait for a Gateway, then for consistent responses; leave room for both.
  const testTimeout = Math.max(t.gatewayMs, t.routeMs) + t.consistencyMs + 30_000;
  // vitest exits the process on SIGINT/SIGTERM within a millisecond; the run's own handler must
  // tear the cluster down first, so vitest's are kept out from the moment it is created.
  const releaseSignals = keepNewSignalListenersOut();
  const compiled = compiledSuiteOptions();
  let vitest: Vitest;
  try {
    vitest = await timedPhase(phases, 'vitest loaded', async () => {
      const { BaseSequencer, createVitest } = await import('vitest/node');
      class RunOrder extends BaseSequencer {
        override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
          return [...files].sort((a, b) => runOrder(a.moduleId, b.moduleId));
        }
      }
      return createVitest(
        'test',
        {
          root: packageRoot,
          config: false,
          watch: false,
          ...suiteSelection(options.suites),
          fileParallelism: false,
          sequence: { sequencer: RunOrder },
          reporters: [progressReporter(options.log), ...(options.reporters ?? [])],
          provide: { kindgate: handle },
          testTimeout,
          hookTimeout: testTimeout,
          passWithNoTests: false,
          // The suites share one module graph: each file would otherwise re-import the Kubernetes client.
          isolate: false,
          // No optimizing compiler in a worker this short-lived, as in the launcher (scripts/kindgate.js).
          execArgv: ['--max-opt=2'],
          ...transformCache(options.cacheDir, compiled.build, options.log),
          ...compiled.test,
        } as never,
        { logLevel: 'silent', ...compiled.vite },
      );
    });
  } catch (error) {
    releaseSignals();
    throw error;
  }
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
    return ran && !failed;
  } finally {
    options.signal?.removeEventListener('abort', cancel);
    await vitest.close();
    releaseSignals();
  }
}

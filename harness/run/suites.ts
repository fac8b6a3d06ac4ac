import { fileURLToPath } from 'node:url';
import type { Reporter, TestCase } from 'vitest/node';
import { formatSeconds, type Logger } from '../log.ts';
import type { ClusterHandle } from './handle.ts';

export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface SuiteRunOptions {
  /** Extra vitest reporters (result collection for JUnit and the conformance report). */
  reporters?: Reporter[];
  log: Logger;
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
 * Run the conformance suites (suites/*.test.ts) with vitest against a provisioned cluster.
 * Returns true when every test passed.
 */
export async function runSuites(handle: ClusterHandle, options: SuiteRunOptions): Promise<boolean> {
  const { startVitest } = await import('vitest/node');
  const t = handle.timeouts;
  // A test may wait for a Gateway, then for consistent responses; leave room for both.
  const testTimeout = Math.max(t.gatewayMs, t.routeMs) + t.consistencyMs + 30_000;
  const vitest = await startVitest(
    'test',
    [],
    {
      root: packageRoot,
      config: false,
      watch: false,
      include: ['suites/**/*.test.ts'],
      reporters: [progressReporter(options.log), ...(options.reporters ?? [])],
      provide: { kindgate: handle },
      testTimeout,
      hookTimeout: testTimeout,
      passWithNoTests: false,
      // The suites share one module graph: each file would otherwise re-import the Kubernetes client.
      isolate: false,
    } as never,
    { logLevel: 'silent' },
  );
  const failed =
    vitest.state.getCountOfFailedTests() > 0 ||
    vitest.state.getUnhandledErrors().length > 0 ||
    vitest.state.getFiles().some((file) => file.result?.state === 'fail');
  const ran = vitest.state.getFiles().length > 0;
  await vitest.close();
  return ran && !failed;
}

import type { TaskMeta } from 'vitest';
import type { CheckRecord } from '../harness/convergence.ts';

/**
 * How each eventual check of a test converged travels, like the case metadata, in the test's vitest
 * task meta: the suites run in vitest workers, and the run's reports are written in the main
 * process (reports/collector.ts reads them from there).
 */

declare module 'vitest' {
  interface TaskMeta {
    /** Set by the suites' eventually() and waitFor(): one record per check, in the order they ended. */
    kindgateChecks?: CheckRecord[];
  }
}

/** The check records a test carries (none for a test without eventual checks). */
export function checksOf(test: { meta(): TaskMeta }): CheckRecord[] {
  return test.meta().kindgateChecks ?? [];
}

/** What the run pipeline uses from the reports: one import. */
export { ResultCollector, collectRecords, type ExpectedTest } from './collector.ts';
export {
  buildConformanceReport,
  writeConformanceReport,
  conformanceReportFileName,
  type ConformanceInput,
  type ConformanceReport,
} from './conformance.ts';
export {
  collectDiagnostics,
  failureOf,
  diagnosticsDirName,
  type DiagnosticsBundle,
  type DiagnosticsInput,
  type DiagnosticsKube,
} from './diagnostics.ts';
export { collectDiagnosticsStep, diagnosableSetupFailure, type DiagnosticsStep } from './diagnostics-step.ts';
export { renderJUnit, writeJUnit, junitFileName } from './junit.ts';
export { countBySuite, totals, type TestRecord, type TestState } from './results.ts';
export { formatSummary, type ReportPaths, type SummaryInput } from './summary.ts';

import type { ConformanceInput } from './conformance.ts';
import { writeConformanceReport } from './conformance.ts';
import { writeJUnit } from './junit.ts';

/** Write the two reports every run produces (JUnit, ConformanceReport); returns their paths. */
export async function writeRunReports(
  dir: string,
  input: ConformanceInput,
): Promise<{ junit: string; conformance: string }> {
  const junit = await writeJUnit(dir, input.tests, { setupFailure: input.setupFailure });
  const { path: conformance } = await writeConformanceReport(dir, input);
  return { junit, conformance };
}

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Document, Scalar } from 'yaml';
import type { ImplementationInfo, Profile } from '../profiles/types.ts';
import { catalogEntries, entryById, type CatalogEntry, type ConformanceProfileName } from '../../suites/catalog.ts';
import { PRIVATE_DIR_MODE, writePrivateFile } from './private-files.ts';
import type { TestRecord } from './results.ts';
import { gatewayHttpExtendedFeatures } from '../profiles/features.ts';

/**
 * The upstream ConformanceReport (sigs.k8s.io/gateway-api/conformance/apis/v1, checked at v1.6.1:
 * conformancereport.go, profilereport.go, statistics.go, result.go; results compiled as in
 * conformance/utils/suite/reports.go). Statistics keys are capitalised because upstream's
 * Statistics struct has no json tags. What it reports are kindgate's tests; the summary says which
 * upstream tests they correspond to.
 */

export const conformanceReportFileName = 'conformance-report.yaml';

export type ConformanceResult = 'success' | 'partial' | 'failure';

export interface Statistics {
  Passed: number;
  Skipped: number;
  Failed: number;
}

export interface Status {
  result: ConformanceResult;
  statistics: Statistics;
  skippedTests?: string[];
  failedTests?: string[];
}

export interface ExtendedStatus extends Status {
  supportedFeatures?: string[];
  unsupportedFeatures?: string[];
}

export interface ProfileReport {
  name: string;
  summary: string;
  core: Status;
  extended?: ExtendedStatus;
}

export interface ConformanceReport {
  apiVersion: 'gateway.networking.k8s.io/v1';
  kind: 'ConformanceReport';
  implementation: ImplementationInfo;
  date: string;
  gatewayAPIVersion: string;
  gatewayAPIChannel: string;
  mode: string;
  profiles: ProfileReport[];
  succeededProvisionalTests?: string[];
}

export interface ConformanceInput {
  tests: readonly TestRecord[];
  profile: Pick<Profile, 'name' | 'implementation' | 'supportedFeatures'>;
  /** pins.gatewayApi.version */
  gatewayAPIVersion: string;
  channel: 'standard' | 'experimental';
  /** Upstream's default mode is `default`. */
  mode?: string;
  /** Which provider ran the cluster; `sim` is said loudly in the summary. */
  provider: string;
  /** Provisioning failed before the suites ran. */
  setupFailure?: string;
  /** RFC 3339 date (upstream: time.Now().Format(time.RFC3339)); defaults to now. */
  date?: string;
}

/** success: nothing failed or skipped; partial: skips but no failures; failure: any failure (reports.go). */
export function resultOf(statistics: Statistics): ConformanceResult {
  if (statistics.Failed > 0) return 'failure';
  if (statistics.Skipped > 0) return 'partial';
  return 'success';
}

function statusOf(passed: string[], skipped: string[], failed: string[]): Status {
  const statistics = { Passed: passed.length, Skipped: skipped.length, Failed: failed.length };
  return {
    result: resultOf(statistics),
    statistics,
    ...(skipped.length > 0 ? { skippedTests: skipped } : {}),
    ...(failed.length > 0 ? { failedTests: failed } : {}),
  };
}

/** Upstream names tests by ShortName; ours by catalog id (from the case), else `suite: title`. */
function reportName(t: TestRecord): string {
  return t.id ?? `${t.suite}: ${t.title}`;
}

function summarySentence(status: Status): string {
  switch (status.result) {
    case 'success':
      return 'succeeded';
    case 'partial':
      return `partially succeeded with ${status.statistics.Skipped} test skips`;
    case 'failure':
      return `failed with ${status.statistics.Failed} test failures`;
  }
}

function mappingSentence(entries: readonly CatalogEntry[]): string {
  const mapped = entries.filter((e) => e.upstream).map((e) => `${e.id} ↔ ${e.upstream}`);
  const unmapped = entries.filter((e) => !e.upstream).map((e) => e.id);
  const parts = [];
  if (mapped.length > 0) parts.push(`upstream correspondences: ${mapped.join(', ')}`);
  if (unmapped.length > 0) parts.push(`no upstream counterpart: ${unmapped.join(', ')}`);
  return parts.join('; ');
}

function ownTestsSentence(profileName: string, entries: readonly CatalogEntry[]): string {
  return `These are kindgate's own tests (profile ${profileName}), not the upstream conformance suite; ${mappingSentence(entries)}.`;
}

function interruptedSentence(count: number): string {
  return `The run was interrupted: ${count} test${count === 1 ? '' : 's'} did not finish (counted as skipped).`;
}

const SIM_SENTENCE =
  'Provider sim: an in-process simulated cluster ran these tests; this report proves the kindgate harness, not a Gateway API implementation.';

export function buildConformanceReport(input: ConformanceInput): ConformanceReport {
  const profileName: ConformanceProfileName = 'GATEWAY-HTTP';
  const supported = new Set(input.profile.supportedFeatures);
  const core = { passed: [] as string[], skipped: [] as string[], failed: [] as string[] };
  const extended = { passed: [] as string[], skipped: [] as string[], failed: [] as string[] };
  const ran: CatalogEntry[] = [];

  if (input.setupFailure !== undefined) core.failed.push('setup');
  for (const t of input.tests) {
    const entry = t.id !== undefined ? entryById(t.id) : undefined;
    if (entry && !ran.includes(entry)) ran.push(entry);
    // Tests outside the catalog exercise Gateway/HTTPRoute behaviour: core, as upstream would class them.
    const bucket = entry?.level === 'extended' ? extended : core;
    // Upstream does not count tests of unsupported features (NOT_SUPPORTED); they show up as
    // unsupportedFeatures instead.
    if (t.state === 'skipped' && entry?.feature && !supported.has(entry.feature)) continue;
    // An interrupted test has no result: upstream's statistics know only passed, skipped, failed.
    bucket[t.state === 'passed' ? 'passed' : t.state === 'failed' ? 'failed' : 'skipped'].push(reportName(t));
  }
  const interrupted = input.tests.filter((t) => t.state === 'interrupted').length;

  const coreStatus = statusOf(core.passed, core.skipped, core.failed);
  const extendedStatus: ExtendedStatus = {
    ...statusOf(extended.passed, extended.skipped, extended.failed),
    supportedFeatures: gatewayHttpExtendedFeatures.filter((f) => supported.has(f)),
    unsupportedFeatures: gatewayHttpExtendedFeatures.filter((f) => !supported.has(f)),
  };
  const extendedRan = extended.passed.length + extended.skipped.length + extended.failed.length > 0;

  const summary = [
    `Core tests ${summarySentence(coreStatus)}.`,
    extendedRan ? `Extended tests ${summarySentence(extendedStatus)}.` : 'No extended tests were run.',
    ownTestsSentence(input.profile.name, ran.length > 0 ? ran : catalogEntries),
    ...(input.setupFailure !== undefined ? [`Setup failed before the suites ran: ${input.setupFailure}`] : []),
    ...(interrupted > 0 ? [interruptedSentence(interrupted)] : []),
    ...(input.provider === 'sim' ? [SIM_SENTENCE] : []),
  ].join(' ');

  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'ConformanceReport',
    implementation: input.profile.implementation,
    date: input.date ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    gatewayAPIVersion: input.gatewayAPIVersion,
    gatewayAPIChannel: input.channel,
    mode: input.mode ?? 'default',
    profiles: [{ name: profileName, summary, core: coreStatus, extended: extendedStatus }],
  };
}

export function renderConformanceReport(report: ConformanceReport): string {
  const doc = new Document(report);
  // Quoted as upstream writes it: YAML 1.1 readers (PyYAML, go-yaml v2) would read a timestamp.
  const date = doc.get('date', true);
  if (date instanceof Scalar) date.type = Scalar.QUOTE_DOUBLE;
  return doc.toString({ lineWidth: 0 });
}

/** Write `<dir>/conformance-report.yaml`; returns its path and the report. */
export async function writeConformanceReport(
  dir: string,
  input: ConformanceInput,
): Promise<{ path: string; report: ConformanceReport }> {
  const report = buildConformanceReport(input);
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const path = join(dir, conformanceReportFileName);
  await writePrivateFile(path, renderConformanceReport(report));
  return { path, report };
}

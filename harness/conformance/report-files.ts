import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ImplementationInfo } from '../profiles/types.ts';

/**
 * The upstream ConformanceReport, copied byte for byte into the report directory under the
 * upstream naming, and the README.md of the upstream submission layout beside it
 * (gateway-api conformance/reports/README.md: one folder per implementation, a README with the
 * implementation, a table of contents row per report and a Reproduce section).
 */

export interface UpstreamStatus {
  result?: string;
  statistics?: { Passed?: number; Failed?: number; Skipped?: number };
  skippedTests?: string[];
  failedTests?: string[];
}

/** The fields kindgate reads (gateway-api conformance/apis/v1: ConformanceReport, ProfileReport). */
export interface UpstreamReport {
  gatewayAPIVersion?: string;
  gatewayAPIChannel?: string;
  mode?: string;
  implementation?: Partial<ImplementationInfo>;
  profiles?: { name?: string; summary?: string; core?: UpstreamStatus; extended?: UpstreamStatus }[];
}

export const SIMULATED_WARNING =
  'A simulated cluster was tested (kindgate --provider sim): this proves the harness only, never an implementation. Never submit this report.';

/** `<API channel>-<implementation version>-<mode>-report.yaml` (conformance/reports/README.md). */
export function upstreamReportFileName(report: UpstreamReport): string {
  // A version is a tag or commit; anything a file name cannot hold becomes '-'.
  const safe = (text: string | undefined, fallback: string) => (text || fallback).replace(/[^A-Za-z0-9._+-]/g, '-');
  return `${safe(report.gatewayAPIChannel, 'unknown')}-${safe(report.implementation?.version, 'unknown')}-${safe(report.mode, 'default')}-report.yaml`;
}

export function parseUpstreamReport(text: string): UpstreamReport {
  const value = parseYaml(text) as unknown;
  return value && typeof value === 'object' ? (value as UpstreamReport) : {};
}

export interface CopiedReport {
  path: string;
  name: string;
  report: UpstreamReport;
}

/** Copy (never re-serialise) the staged report into `reportDir` under its upstream name. */
export async function copyUpstreamReport(staged: string, reportDir: string): Promise<CopiedReport> {
  const report = parseUpstreamReport(await readFile(staged, 'utf8'));
  const name = upstreamReportFileName(report);
  const path = join(reportDir, name);
  await copyFile(staged, path);
  return { path, name, report };
}

export interface SubmissionReadmeInput {
  implementation: ImplementationInfo;
  gatewayApiVersion: string;
  report?: CopiedReport;
  /** Why there is no report (the suite stopped before writing one). */
  noReport?: string;
  /** The exact kindgate command line of this run. */
  command: string;
  /** Pins and image digests, one line each. */
  pins: string[];
  simulated: boolean;
}

/** `upstream` directory name of a submission: `<organization>-<project>` (as most reports folders are named). */
export function submissionFolder(implementation: ImplementationInfo): string {
  const org = implementation.organization.toLowerCase();
  const project = implementation.project.toLowerCase();
  return (org === project ? project : `${org}-${project}`).replace(/[^a-z0-9._-]/g, '-');
}

function tableRow(input: SubmissionReadmeInput): string {
  const r = input.report!;
  const version = r.report.implementation?.version ?? input.implementation.version;
  const url = r.report.implementation?.url || input.implementation.url;
  const link = url ? `[${version}](${url})` : version;
  return `|${r.report.gatewayAPIChannel ?? 'unknown'}|${link}|${r.report.mode ?? 'default'}|[${version} report](./${r.name})|`;
}

export function renderSubmissionReadme(input: SubmissionReadmeInput): string {
  const impl = input.implementation;
  const folder = `conformance/reports/${input.gatewayApiVersion.replace(/^(v\d+\.\d+).*$/, '$1')}/${submissionFolder(impl)}/`;
  const out = [`# ${impl.project}`, ''];
  if (input.simulated) out.push(`> **${SIMULATED_WARNING}**`, '');
  out.push(
    `${impl.organization}/${impl.project}${impl.url ? ` (${impl.url})` : ''}, tested with the upstream Gateway API ` +
      `conformance suite ${input.gatewayApiVersion} by kindgate.`,
    '',
  );
  if (!input.simulated)
    out.push(
      `To submit: copy this README.md and the report, unchanged, into \`${folder}\` of kubernetes-sigs/gateway-api.`,
      '',
    );
  out.push(
    '## Table of contents',
    '',
    '|API channel|Implementation version|Mode|Report|',
    '|-----------|----------------------|----|------|',
  );
  if (input.report) out.push(tableRow(input));
  else out.push('', `No upstream report was written: ${input.noReport ?? 'the suite stopped before writing one'}.`);
  out.push(
    '',
    '## Reproduce',
    '',
    'Run from a checkout of kindgate (`npm ci` first):',
    '',
    '```sh',
    input.command,
    '```',
    '',
  );
  const mode = input.report?.report.mode;
  if (mode && mode !== 'default')
    out.push(`The report declares mode \`${mode}\`: describe here how the implementation is configured for it.`, '');
  out.push('Pinned inputs:', '', ...input.pins.map((p) => `- ${p}`), '');
  return out.join('\n');
}

export async function writeSubmissionReadme(reportDir: string, input: SubmissionReadmeInput): Promise<string> {
  const path = join(reportDir, 'README.md');
  await writeFile(path, renderSubmissionReadme(input), 'utf8');
  return path;
}

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { istioProfile } from '../profiles/istio.ts';
import {
  copyUpstreamReport,
  renderSubmissionReadme,
  SIMULATED_WARNING,
  submissionFolder,
  upstreamReportFileName,
  type SubmissionReadmeInput,
} from './report-files.ts';
import { formatConformanceSummary } from './summary.ts';

/** A report as the upstream suite writes it (apis/v1 ConformanceReport marshalled by sigs.k8s.io/yaml). */
const UPSTREAM_REPORT = `apiVersion: gateway.networking.k8s.io/v1
date: "2026-11-30T01:02:03Z"
gatewayAPIChannel: standard
gatewayAPIVersion: v1.6.1
implementation:
  contact:
  - '@istio/maintainers'
  organization: istio
  project: istio
  url: https://istio.io
  version: 1.31.0
kind: ConformanceReport
mode: default
profiles:
- core:
    result: success
    statistics:
      Failed: 0
      Passed: 33
      Skipped: 0
  extended:
    result: partial
    statistics:
      Failed: 1
      Passed: 5
      Skipped: 2
    supportedFeatures:
    - HTTPRouteQueryParamMatching
  name: GATEWAY-HTTP
  summary: Core tests succeeded. Extended tests partially succeeded with 2 test skips.
`;

function staged(text: string | Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'kg-stage-'));
  writeFileSync(join(dir, 'report.yaml'), text, { mode: 0o600 });
  return join(dir, 'report.yaml');
}

const readmeInput = (over: Partial<SubmissionReadmeInput> = {}): SubmissionReadmeInput => ({
  implementation: istioProfile.implementation,
  gatewayApiVersion: 'v1.6.1',
  command: 'npx kindgate conformance --provider kind',
  pins: [
    'runner image docker.io/library/golang:1.26.8@sha256:abc',
    'kind v0.33.0, node image kindest/node:v1.36.4@sha256:def',
  ],
  simulated: false,
  ...over,
});

describe('the upstream report and its submission README', () => {
  it('names the report <channel>-<implementation version>-<mode>-report.yaml from the report itself', () => {
    expect(
      upstreamReportFileName({ gatewayAPIChannel: 'standard', implementation: { version: '1.31.0' }, mode: 'default' }),
    ).toBe('standard-1.31.0-default-report.yaml');
    expect(
      upstreamReportFileName({
        gatewayAPIChannel: 'experimental',
        implementation: { version: 'v2.3.0-rc.3' },
        mode: 'gateway-namespace',
      }),
    ).toBe('experimental-v2.3.0-rc.3-gateway-namespace-report.yaml');
    // Never a path: a version with a slash cannot escape the report directory.
    expect(
      upstreamReportFileName({ gatewayAPIChannel: 'standard', implementation: { version: '../x/y' }, mode: 'default' }),
    ).toBe('standard-..-x-y-default-report.yaml');
  });

  it('copies the report byte for byte (no re-serialisation), under its upstream name', async () => {
    // Bytes a YAML round trip would change: CRLF, a comment, no final newline, odd quoting.
    const text =
      UPSTREAM_REPORT.replace('kind: ConformanceReport\n', "kind: 'ConformanceReport' # as written\r\n") +
      'succeededProvisionalTests: []';
    const dir = mkdtempSync(join(tmpdir(), 'kg-reports-'));
    const copied = await copyUpstreamReport(staged(text), dir);
    expect(copied.name).toBe('standard-1.31.0-default-report.yaml');
    expect(readFileSync(copied.path)).toEqual(Buffer.from(text));
    expect(copied.report.profiles?.[0].name).toBe('GATEWAY-HTTP');
  });

  it('README: implementation, the table row, the Reproduce command and pins, in the upstream layout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kg-reports-'));
    const report = await copyUpstreamReport(staged(UPSTREAM_REPORT), dir);
    const readme = renderSubmissionReadme(readmeInput({ report }));
    expect(readme).toBe(`# istio

istio/istio (https://istio.io), tested with the upstream Gateway API conformance suite v1.6.1 by kindgate.

To submit: copy this README.md and the report, unchanged, into \`conformance/reports/v1.6/istio/\` of kubernetes-sigs/gateway-api.

## Table of contents

|API channel|Implementation version|Mode|Report|
|-----------|----------------------|----|------|
|standard|[1.31.0](https://istio.io)|default|[1.31.0 report](./standard-1.31.0-default-report.yaml)|

## Reproduce

Run from a checkout of kindgate (\`npm ci\` first):

\`\`\`sh
npx kindgate conformance --provider kind
\`\`\`

Pinned inputs:

- runner image docker.io/library/golang:1.26.8@sha256:abc
- kind v0.33.0, node image kindest/node:v1.36.4@sha256:def
`);
    expect(submissionFolder({ ...istioProfile.implementation, organization: 'Example', project: 'acme-gateway' })).toBe(
      'example-acme-gateway',
    );
  });

  it('README of a simulated run says plainly it must never be submitted; a non-default mode asks for its setup', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kg-reports-'));
    const report = await copyUpstreamReport(staged(UPSTREAM_REPORT.replace('mode: default', 'mode: ambient')), dir);
    const readme = renderSubmissionReadme(readmeInput({ report, simulated: true }));
    expect(readme.split('\n')[2]).toBe(`> **${SIMULATED_WARNING}**`);
    expect(SIMULATED_WARNING).toMatch(/simulated cluster was tested.*Never submit this report\./);
    expect(readme).not.toContain('To submit');
    expect(readme).toContain(
      '|standard|[1.31.0](https://istio.io)|ambient|[1.31.0 report](./standard-1.31.0-ambient-report.yaml)|',
    );
    expect(readme).toContain(
      'The report declares mode `ambient`: describe here how the implementation is configured for it.',
    );
  });

  it('README without a report says why', () => {
    const readme = renderSubmissionReadme(
      readmeInput({ noReport: 'setup failed: Gateway API CRDs never Established' }),
    );
    expect(readme).toContain('No upstream report was written: setup failed: Gateway API CRDs never Established.');
    expect(readme).toContain('## Reproduce');
  });

  it('summary: passed/failed/skipped per conformance profile and level, read from the upstream report', () => {
    const summary = formatConformanceSummary({
      report: {
        profiles: [
          {
            name: 'GATEWAY-HTTP',
            core: { result: 'success', statistics: { Passed: 33, Failed: 0, Skipped: 0 } },
            extended: { result: 'partial', statistics: { Passed: 5, Failed: 1, Skipped: 2 } },
          },
        ],
      },
      tests: [
        { suite: 'upstream', title: 'TestConformance/HTTPRouteSimpleSameNamespace', state: 'passed', durationMs: 10 },
        {
          suite: 'upstream',
          title: 'TestConformance/HTTPRouteQueryParamMatching',
          state: 'failed',
          durationMs: 10,
          error: 'expected 200, got 404\nmore',
        },
      ],
      files: [{ label: 'JUnit', path: '/r/junit.xml' }],
      simulated: true,
    });
    expect(summary.split('\n').slice(0, 3)).toEqual([
      'profile       level     result    passed   failed  skipped',
      'GATEWAY-HTTP  core      success       33        0        0',
      'GATEWAY-HTTP  extended  partial        5        1        2',
    ]);
    expect(summary).toContain('go test: 1 passed, 1 failed, 0 skipped (tests and sub-tests)');
    expect(summary).toContain('✗ TestConformance/HTTPRouteQueryParamMatching: expected 200, got 404');
    expect(summary).toContain(SIMULATED_WARNING);
    expect(summary).toContain('JUnit            /r/junit.xml');
  });
});

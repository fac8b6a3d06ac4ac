import { describe, expect, it } from 'vitest';
import type { TestRecord } from './results.ts';
import { formatSummary } from './summary.ts';
import { wrongBackend } from './check-records.test-helper.ts';

const tests: TestRecord[] = [
  { suite: 'header-routing', title: 'x-version: v2 routes /env to v2', state: 'passed', durationMs: 1 },
  {
    suite: 'gateway',
    title: 'Gateway is Accepted and Programmed at its latest generation',
    state: 'passed',
    durationMs: 1,
  },
  { suite: 'gateway', title: 'Gateway has an address in status.addresses', state: 'passed', durationMs: 1 },
  {
    suite: 'httproute',
    title: 'HTTPRoute is Accepted with ResolvedRefs for its parent Gateway',
    state: 'failed',
    durationMs: 1,
    error:
      '\u001b[31mHTTPRoute apps/httpbin-route: ResolvedRefs=False (BackendNotFound)\u001b[39m after 60 s\n    at stack line',
  },
  {
    suite: 'header-routing',
    title: '/headers echoes X-Version: v2',
    state: 'skipped',
    durationMs: 0,
    skipReason: 'feature not supported',
  },
];

describe('formatSummary', () => {
  it('adds an interrupted column and lists the tests that did not finish, only when the run was interrupted', () => {
    const text = formatSummary({
      tests: [
        tests[0],
        { suite: 'routing', title: 'GET /headers answers 200', state: 'interrupted', durationMs: 0, skipReason: 'x' },
      ],
    });
    expect(text).toBe(
      [
        'suite            passed   failed  skipped  interrupted',
        'routing               0        0        0            1',
        'header-routing        1        0        0            0',
        '------------------------------------------------------',
        'total                 1        0        0            1',
        '',
        'Interrupted (did not finish):',
        '  - routing › GET /headers answers 200',
        '',
      ].join('\n'),
    );
  });

  it('tabulates suites in pipeline order with a total, lists failures with their first error line, and the report paths', () => {
    const text = formatSummary({
      tests,
      reports: {
        junit: 'reports/junit.xml',
        conformance: 'reports/conformance-report.yaml',
        diagnostics: 'reports/diagnostics',
      },
    });
    expect(text).toBe(
      [
        'suite            passed   failed  skipped',
        'gateway               2        0        0',
        'httproute             0        1        0',
        'header-routing        1        0        1',
        '-----------------------------------------',
        'total                 3        1        1',
        '',
        'Failed:',
        '  ✗ httproute › HTTPRoute is Accepted with ResolvedRefs for its parent Gateway',
        '      HTTPRoute apps/httpbin-route: ResolvedRefs=False (BackendNotFound) after 60 s',
        '',
        'Skipped:',
        '  - header-routing › /headers echoes X-Version: v2: feature not supported',
        '',
        'Reports:',
        '  JUnit               reports/junit.xml',
        '  Conformance report  reports/conformance-report.yaml',
        '  Diagnostics         reports/diagnostics',
        '',
      ].join('\n'),
    );
  });

  it('has no colour unless asked, and colours counts when asked', () => {
    expect(formatSummary({ tests })).not.toContain('\u001b');
    expect(formatSummary({ tests, color: true })).toContain('\u001b[31m');
  });

  it('leads with a setup failure and says when no tests ran', () => {
    const text = formatSummary({
      tests: [],
      setupFailure: 'Cluster did not come up\ndetails',
      reports: { junit: 'r/junit.xml' },
    });
    expect(text.split('\n')[0]).toBe('Setup failed before the suites ran: Cluster did not come up');
    expect(text).toContain('JUnit  r/junit.xml');
    expect(formatSummary({ tests: [] })).toBe('No tests ran.\n');
  });

  it('says how a failed check failed under its failure, and shows the three slowest phases', () => {
    const text = formatSummary({
      tests: [
        {
          suite: 'header-routing',
          title: 'x-version: v2 routes /env to v2',
          state: 'failed',
          durationMs: 30_000,
          error: 'GET http://127.0.0.1:8080/env did not give 3 consecutive matching responses within 30 s',
          checks: [wrongBackend],
        },
      ],
      slowest: [
        { phase: 'cluster created', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 31_200 },
        { phase: 'suites', startedAt: '2026-01-01T00:00:40.000Z', durationMs: 30_400 },
        { phase: 'MetalLB ready', startedAt: '2026-01-01T00:00:31.000Z', durationMs: 9_000 },
      ],
      reports: { junit: 'reports/junit.xml', timings: 'reports/timings.json' },
    });
    expect(text).toContain(
      [
        'Failed:',
        '  ✗ header-routing › x-version: v2 routes /env to v2',
        '      GET http://127.0.0.1:8080/env did not give 3 consecutive matching responses within 30 s',
        '      wrong-backend: 0 of 7 answers matched; last non-matching: 200 from HTTPBIN_ENV_VERSION=v1',
        '',
        'Slowest phases:',
        '  cluster created    31.2 s',
        '  suites             30.4 s',
        '  MetalLB ready       9.0 s',
        '',
        'Reports:',
        '  JUnit    reports/junit.xml',
        '  Timings  reports/timings.json',
        '',
      ].join('\n'),
    );
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderJUnit } from '../reports/junit.ts';
import { parseXml, type XmlElement } from '../reports/xml-parse.test-helper.ts';
import { GoTestOutput, NO_RESULT, parseGoTestOutput } from './go-test-output.ts';

/**
 * Real `go test -v` output of the pinned suite's module (sigs.k8s.io/gateway-api/conformance
 * v1.6.1), captured on this project's machine:
 * - go-test-sim-setup-failure.txt: the log `kindgate conformance --provider sim --run-test
 *   HTTPRouteSimpleSameNamespace` wrote: TestConformance fails in its setup against the sim;
 * - go-test-module-unit-tests.txt: `go test -v` of the module's own packages (conformance,
 *   utils/config, utils/suite, utils/kubernetes): passes, a skip, nested sub-tests, four packages.
 */
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const simFailure = fixture('go-test-sim-setup-failure.txt');
const moduleTests = fixture('go-test-module-unit-tests.txt');

const cases = (xml: string): XmlElement[] =>
  parseXml(xml).children.flatMap((suite) => suite.children.filter((c) => c.name === 'testcase'));

describe('go test -v output → test records and JUnit', () => {
  it('turns every test and sub-test into a record with its state and duration', () => {
    const records = parseGoTestOutput(moduleTests).records();
    const byName = new Map(records.map((r) => [r.title, r]));
    // Every `--- PASS|SKIP` line of the capture is a record, nested sub-tests included.
    const resultLines = moduleTests.split('\n').filter((l) => /^\s*--- (PASS|FAIL|SKIP): /.test(l));
    expect(records).toHaveLength(resultLines.length);
    expect(records.filter((r) => r.state === 'passed')).toHaveLength(63);
    expect(byName.get('TestConformanceOptions')).toMatchObject({
      state: 'skipped',
      skipReason: 'this test replaces real test flags, skipping for now',
    });
    expect(byName.get('TestBuildSummary/core_tests_failed,_no_extended_tests')).toMatchObject({ state: 'passed' });
    expect(byName.get('TestInferGWCSupportedFeatures')).toMatchObject({ state: 'passed', durationMs: 220 });
    expect(byName.get('TestHTTPRouteMustBeAcceptedAndResolved')).toMatchObject({ state: 'passed', durationMs: 450 });
    expect(records.every((r) => r.suite === 'upstream')).toBe(true);
    // Start order, as go test ran them.
    expect(records[0].title).toBe('TestConformanceOptions');
  });

  it('a failed test carries the testify error as its first line and the end of its log', () => {
    const output = parseGoTestOutput(simFailure);
    const [record] = output.records();
    expect(output.records()).toHaveLength(1);
    expect(record).toMatchObject({ title: 'TestConformance', state: 'failed', durationMs: 560 });
    const [first, blank, ...rest] = record.error!.split('\n');
    expect(first).toBe(
      'Received unexpected error: the body of the request was in an unknown format (application/vnd.kubernetes.protobuf) - accepted media types include: application/json, application/yaml (the kindgate sim decodes no protobuf: use kubectl apply -f or create -f)',
    );
    expect(blank).toBe('');
    expect(rest[0]).toBe('conformance.go:117: Running conformance tests with:');
    expect(rest).toContain('conformance.go:135:   GatewayClass: istio');
    expect(output.started).toBe(true);
    // kindgate's header line and nothing else comes before the first test.
    expect(output.preamble.filter((l) => l.trim())).toEqual([expect.stringMatching(/^# kindgate: \$ go test -C /)]);
  });

  it('JUnit: one test case per test and sub-test, pass/fail/skip, valid XML', () => {
    const records = [...parseGoTestOutput(moduleTests).records(), ...parseGoTestOutput(simFailure).records()];
    const xml = renderJUnit(records, { timestamp: '2026-11-30T00:00:00Z' });
    const all = cases(xml);
    expect(all).toHaveLength(records.length);
    expect(all.every((c) => c.attrs.classname === 'kindgate.upstream')).toBe(true);
    const named = (name: string) => all.find((c) => c.attrs.name === name)!;
    expect(named('TestConformanceOptions').children.map((c) => c.name)).toEqual(['skipped']);
    expect(named('TestConformanceOptions').children[0].attrs.message).toBe(
      'this test replaces real test flags, skipping for now',
    );
    expect(named('TestGetAPIVersionAndChannel/properly_installed_Gateway_API_CRDs').children).toEqual([]);
    const failure = named('TestConformance').children[0];
    expect(failure.name).toBe('failure');
    expect(failure.attrs.message).toMatch(/^Received unexpected error: the body of the request/);
    expect(failure.text).toContain('Error Trace:');
  });

  it('a test without a result line (panic, timeout, killed) is a failure that says so', () => {
    const output = new GoTestOutput();
    for (const line of [
      '=== RUN   TestConformance',
      '=== RUN   TestConformance/HTTPRouteSimpleSameNamespace',
      '    helpers.go:278: waiting for the Gateway',
      'panic: test timed out after 3h0m0s',
    ])
      output.feed(line);
    const records = output.records();
    expect(records.map((r) => [r.title, r.state])).toEqual([
      ['TestConformance', 'failed'],
      ['TestConformance/HTTPRouteSimpleSameNamespace', 'failed'],
    ]);
    expect(records[1].error!.split('\n')[0]).toBe(`${NO_RESULT}; last output: panic: test timed out after 3h0m0s`);
  });

  it('follows a live run: result lines are reported with their depth; NAME/CONT switch the owner of the output', () => {
    const output = new GoTestOutput();
    const results = [
      '=== RUN   TestConformance',
      '=== RUN   TestConformance/A',
      '=== PAUSE TestConformance/A',
      '=== RUN   TestConformance/B',
      '    b.go:1: from B',
      '=== CONT  TestConformance/A',
      '    a.go:9: from A',
      '=== NAME  TestConformance/B',
      '    b.go:2: B is unsupported',
      '    --- SKIP: TestConformance/B (0.00s)',
      '    --- FAIL: TestConformance/A (1.50s)',
      '--- FAIL: TestConformance (2.00s)',
      'FAIL',
      'FAIL\tkindgate.local/conformance\t2.1s',
    ]
      .map((l) => output.feed(l))
      .filter(Boolean);
    expect(results).toEqual([
      { name: 'TestConformance/B', state: 'skipped', seconds: 0, depth: 1 },
      { name: 'TestConformance/A', state: 'failed', seconds: 1.5, depth: 1 },
      { name: 'TestConformance', state: 'failed', seconds: 2, depth: 0 },
    ]);
    const byName = Object.fromEntries(output.records().map((r) => [r.title, r]));
    expect(byName['TestConformance/B'].skipReason).toBe('B is unsupported');
    expect(byName['TestConformance/A'].error!.split('\n')[0]).toBe('from A');
  });
});

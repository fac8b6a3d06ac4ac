import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pins } from '../pins.ts';
import { istioProfile } from '../profiles/istio.ts';
import { catalog, catalogEntries } from '../../suites/catalog.ts';
import {
  buildConformanceReport,
  renderConformanceReport,
  writeConformanceReport,
  type ConformanceInput,
} from './conformance.ts';
import type { TestRecord } from './results.ts';

const allPassed: TestRecord[] = catalogEntries.map((e) => ({
  suite: e.suite,
  title: e.title,
  id: e.id,
  state: 'passed',
  durationMs: 1,
}));

function input(tests: TestRecord[], extra: Partial<ConformanceInput> = {}): ConformanceInput {
  return {
    tests,
    profile: istioProfile,
    gatewayAPIVersion: pins.gatewayApi.version,
    channel: 'standard',
    provider: 'kind',
    ...extra,
  };
}

const roundTrip = (i: ConformanceInput) => parse(renderConformanceReport(buildConformanceReport(i)));

const withState = (id: string, state: TestRecord['state']): TestRecord[] =>
  allPassed.map((t) =>
    t.id === id ? { ...t, state, ...(state === 'failed' ? { error: 'boom' } : { skipReason: 'skipped' }) } : t,
  );

describe('ConformanceReport', () => {
  it('has the upstream shape and core success when everything passed', () => {
    const report = roundTrip(input(allPassed, { date: '2026-01-02T03:04:05Z' }));
    expect(report).toMatchObject({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'ConformanceReport',
      date: '2026-01-02T03:04:05Z',
      gatewayAPIVersion: 'v1.6.1',
      gatewayAPIChannel: 'standard',
      mode: 'default',
      implementation: {
        organization: 'istio',
        project: 'istio',
        url: 'https://istio.io',
        version: '1.31.0',
        contact: ['@istio/maintainers'],
      },
    });
    expect(report.profiles).toHaveLength(1);
    const [profile] = report.profiles;
    expect(profile.name).toBe('GATEWAY-HTTP');
    expect(profile.core).toEqual({
      result: 'success',
      statistics: { Passed: catalogEntries.length, Skipped: 0, Failed: 0 },
    });
    expect(profile.summary).toMatch(/^Core tests succeeded\./);
  });

  it('is partial when a core test was skipped, naming it', () => {
    const { core, summary } = roundTrip(input(withState('headersEcho', 'skipped'))).profiles[0];
    expect(core).toEqual({
      result: 'partial',
      statistics: { Passed: catalogEntries.length - 1, Skipped: 1, Failed: 0 },
      skippedTests: ['headersEcho'],
    });
    expect(summary).toMatch(/^Core tests partially succeeded with 1 test skips\./);
  });

  it('is failure when a core test failed, naming it, even with skips', () => {
    const tests = withState('routeAccepted', 'failed').map((t) =>
      t.id === 'headersEcho' ? { ...t, state: 'skipped' as const } : t,
    );
    const { core, summary } = roundTrip(input(tests)).profiles[0];
    expect(core.result).toBe('failure');
    expect(core.statistics).toEqual({ Passed: catalogEntries.length - 2, Skipped: 1, Failed: 1 });
    expect(core.failedTests).toEqual(['routeAccepted']);
    expect(summary).toMatch(/^Core tests failed with 1 test failures\./);
  });

  it('counts interrupted tests as skipped and says the run was interrupted', () => {
    const tests = withState('headersEcho', 'interrupted').map((t) =>
      t.id === 'routingOk' ? { ...t, state: 'interrupted' as const } : t,
    );
    const { core, summary } = roundTrip(input(tests)).profiles[0];
    expect(core).toMatchObject({
      result: 'partial',
      statistics: { Passed: catalogEntries.length - 2, Skipped: 2, Failed: 0 },
    });
    expect(core.skippedTests).toEqual(expect.arrayContaining(['headersEcho', 'routingOk']));
    expect(summary).toContain('The run was interrupted: 2 tests did not finish (counted as skipped).');
    expect(roundTrip(input(allPassed)).profiles[0].summary).not.toContain('interrupted');
  });

  it('fails core with a setup test when provisioning failed before the suites', () => {
    const { core, summary } = roundTrip(input([], { setupFailure: 'MetalLB webhook never answered' })).profiles[0];
    expect(core).toMatchObject({
      result: 'failure',
      statistics: { Passed: 0, Skipped: 0, Failed: 1 },
      failedTests: ['setup'],
    });
    expect(summary).toContain('MetalLB webhook never answered');
  });

  it('lists supported and unsupported extended features from the profile, core features excluded', () => {
    const { extended } = roundTrip(input(allPassed)).profiles[0];
    expect(extended.supportedFeatures).toEqual([
      'HTTPRouteHostRewrite',
      'HTTPRouteMethodMatching',
      'HTTPRouteQueryParamMatching',
      'HTTPRouteResponseHeaderModification',
    ]);
    expect(extended.unsupportedFeatures).toContain('HTTPRouteRequestMirror');
    expect(extended.unsupportedFeatures).not.toContain('HTTPRouteMethodMatching');
    expect([...extended.supportedFeatures, ...extended.unsupportedFeatures]).not.toContain('Gateway');
  });

  it('says in the summary which upstream tests the kindgate tests correspond to', () => {
    const { summary } = roundTrip(input(allPassed)).profiles[0];
    expect(summary).toContain('headerV2 ↔ HTTPRouteHeaderMatching');
    expect(summary).toContain('listenerReady ↔ GatewayWithAttachedRoutes');
    expect(summary).toContain('no upstream counterpart: gatewayAccepted, gatewayAddress, serverHeader, headersEcho');
    expect(summary).not.toContain('sim');
  });

  it('says the sim provider proves the harness, not an implementation', () => {
    const { summary } = roundTrip(input(allPassed, { provider: 'sim' })).profiles[0];
    expect(summary).toContain('proves the kindgate harness, not a Gateway API implementation');
  });

  it('counts tests outside the catalog as core, by suite and title', () => {
    const extra: TestRecord = {
      suite: 'negative',
      title: 'route from a disallowed namespace is not accepted',
      state: 'failed',
      durationMs: 1,
      error: 'x',
    };
    const { core } = roundTrip(input([...allPassed, extra])).profiles[0];
    expect(core.failedTests).toEqual(['negative: route from a disallowed namespace is not accepted']);
  });

  it('uses an RFC 3339 date without fractions by default', () => {
    expect(buildConformanceReport(input(allPassed)).date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });
});

describe('writeConformanceReport', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes conformance-report.yaml that parses back to the same report', async () => {
    dir = await mkdtemp(join(tmpdir(), 'kindgate-conf-'));
    const { path, report } = await writeConformanceReport(dir, input(allPassed, { channel: 'experimental' }));
    expect(path).toBe(join(dir, 'conformance-report.yaml'));
    const text = await readFile(path, 'utf8');
    expect(parse(text)).toEqual(report);
    // Quoted as upstream's reports are, so YAML 1.1 readers keep it a string.
    expect(text).toMatch(/^date: "\d{4}-/m);
    expect(report.gatewayAPIChannel).toBe('experimental');
  });
});

describe('catalog entries are all core GATEWAY-HTTP tests', () => {
  it('has the nineteen tests of the five suites', () => {
    expect(Object.keys(catalog)).toHaveLength(19);
    expect(new Set(catalogEntries.map((e) => e.profile))).toEqual(new Set(['GATEWAY-HTTP']));
    expect(new Set(catalogEntries.map((e) => e.level))).toEqual(new Set(['core']));
  });
});

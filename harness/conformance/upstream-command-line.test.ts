import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunOptionsWithRaw } from '../config/parse.ts';
import { UsageError } from '../errors.ts';
import { pins } from '../pins.ts';
import { getProfile } from '../profiles/index.ts';
import { istioProfile } from '../profiles/istio.ts';
import type { Profile } from '../profiles/types.ts';
import { parseConformanceOptions } from './options.ts';
import {
  checkImplementationComplete,
  cleanupBaseResources,
  goDuration,
  goTestArgs,
  upstreamFlags,
} from './upstream-command-line.ts';

/** Parse a `kindgate conformance` command line as the CLI does. */
function parse(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const { options, raw } = parseRunOptionsWithRaw('conformance', argv, env);
  const profile = getProfile(options.profile);
  return { options, profile, conformance: parseConformanceOptions(raw, options, profile) };
}

function flagsOf(argv: string[], reportOutput = '/r/report.yaml'): string[] {
  const { options, profile, conformance } = parse(argv);
  return upstreamFlags({ profile, run: options, conformance, reportOutput });
}

function vendorConfig(extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'kg-conf-'));
  const file = join(dir, 'kindgate.yaml');
  writeFileSync(
    file,
    `profile:
  name: acme
  gatewayClassName: acme-class
  controllerName: example.com/acme-controller
  supportedFeatures: [HTTPRouteQueryParamMatching, HTTPRouteMethodMatching]
  implementation:
    organization: example
    project: acme-gateway
    version: "v1.2.3"
    url: https://example.com/acme
    contact: ["@example/gateway-maintainers", "gateway@example.com"]
${extra}  install:
    command: [helm, install, acme, ./chart]
`,
  );
  return file;
}

describe('the upstream command line, from the profile', () => {
  it('istio: class, features, implementation fields, mode, report output, cleanup', () => {
    expect(flagsOf(['--provider', 'kind'])).toEqual([
      '--gateway-class=istio',
      `--supported-features=${istioProfile.supportedFeatures.join(',')}`,
      '--conformance-profiles=GATEWAY-HTTP',
      '--organization=istio',
      '--project=istio',
      '--url=https://istio.io',
      `--version=${pins.istio.version}`,
      '--contact=@istio/maintainers',
      '--mode=default',
      '--report-output=/r/report.yaml',
      '--cleanup-base-resources=false',
    ]);
  });

  it('a vendor profile: every field of the profile lands in its flag', () => {
    const flags = flagsOf([
      '--config',
      vendorConfig('  conformanceProfiles: [GATEWAY-HTTP, GATEWAY-GRPC]\n'),
      '--profile',
      'acme',
    ]);
    expect(flags).toContain('--gateway-class=acme-class');
    // Core features are always in (profiles/config.ts), then the profile's own.
    expect(flags).toContain(
      '--supported-features=Gateway,HTTPRoute,ReferenceGrant,HTTPRouteQueryParamMatching,HTTPRouteMethodMatching',
    );
    expect(flags).toContain('--conformance-profiles=GATEWAY-HTTP,GATEWAY-GRPC');
    expect(flags).toContain('--organization=example');
    expect(flags).toContain('--project=acme-gateway');
    expect(flags).toContain('--url=https://example.com/acme');
    expect(flags).toContain('--version=v1.2.3');
    expect(flags).toContain('--contact=@example/gateway-maintainers,gateway@example.com');
  });

  it('pass-through options: mode, all/exempt features, profiles, run-test, skip-tests', () => {
    const flags = flagsOf([
      '--mode',
      'ambient',
      '--all-features',
      '--exempt-features',
      'GatewayPort8080, HTTPRouteHostRewrite',
      '--conformance-profiles',
      'GATEWAY-HTTP,MESH-HTTP',
      '--run-test',
      'HTTPRouteSimpleSameNamespace',
      '--skip-tests',
      'HTTPRouteHeaderMatching,GatewayInvalidTLSConfiguration',
    ]);
    expect(flags).toEqual(
      expect.arrayContaining([
        '--mode=ambient',
        '--all-features',
        '--exempt-features=GatewayPort8080,HTTPRouteHostRewrite',
        '--conformance-profiles=GATEWAY-HTTP,MESH-HTTP',
        '--run-test=HTTPRouteSimpleSameNamespace',
        '--skip-tests=HTTPRouteHeaderMatching,GatewayInvalidTLSConfiguration',
      ]),
    );
    // Absent options add no flag at all: the suite's own defaults apply.
    expect(flagsOf([]).some((f) => /^--(all-features|exempt-features|run-test|skip-tests)/.test(f))).toBe(false);
  });

  it('config-file keys work like the flags (lists as YAML lists)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kg-conf-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'mode: gateway-namespace\nskipTests: [A, B]\nrunner: local\ntimeouts:\n  goTest: 7200\n');
    const { conformance } = parse(['--config', file]);
    expect(conformance).toMatchObject({
      mode: 'gateway-namespace',
      skipTests: ['A', 'B'],
      runner: 'local',
      goTestTimeoutMs: 7_200_000,
    });
  });

  it('--cleanup-base-resources: false with --keep or a cluster deleted afterwards, true where the cluster outlives the run', () => {
    expect(cleanupBaseResources({ provider: 'kind', keep: false, reuse: false })).toBe(false);
    expect(cleanupBaseResources({ provider: 'kind', keep: true, reuse: false })).toBe(false);
    expect(cleanupBaseResources({ provider: 'kind', keep: false, reuse: true })).toBe(true);
    expect(cleanupBaseResources({ provider: 'kind', keep: true, reuse: true })).toBe(false);
    expect(cleanupBaseResources({ provider: 'existing', keep: false, reuse: false })).toBe(true);
    expect(cleanupBaseResources({ provider: 'existing', keep: true, reuse: false })).toBe(false);
    expect(cleanupBaseResources({ provider: 'sim', keep: false, reuse: false })).toBe(false);
    expect(flagsOf(['--provider', 'existing', '--kubeconfig', '/k', '--keep'])).toContain(
      '--cleanup-base-resources=false',
    );
    expect(flagsOf(['--provider', 'existing', '--kubeconfig', '/k'])).toContain('--cleanup-base-resources=true');
  });

  it('go test: verbose, uncached, only the suite, a timeout far above 10 minutes', () => {
    expect(goDuration(3 * 3600_000)).toBe('3h0m0s');
    expect(goDuration(90_000)).toBe('1m30s');
    expect(goDuration(500)).toBe('1s');
    const { conformance } = parse([]);
    expect(conformance.goTestTimeoutMs).toBe(3 * 3600_000);
    expect(goTestArgs(['--gateway-class=istio'], conformance.goTestTimeoutMs, '/m')).toEqual([
      'test',
      '-C',
      '/m',
      '-v',
      '-count=1',
      '-timeout=3h0m0s',
      '-run',
      '^TestConformance$',
      '.',
      '-args',
      '--gateway-class=istio',
    ]);
    expect(parse(['--go-test-timeout', '1200']).conformance.goTestTimeoutMs).toBe(1_200_000);
  });
});

describe('conformance options: every mistake is one usage sentence', () => {
  const usage = (argv: string[], message: RegExp) => {
    expect(() => parse(argv)).toThrowError(UsageError);
    expect(() => parse(argv)).toThrowError(message);
  };

  it('refuses what cannot work', () => {
    usage(['--runner', 'remote'], /^--runner must be one of container, local, got "remote"\.$/);
    usage(
      ['--provider', 'sim', '--runner', 'container'],
      /--runner container cannot reach the simulated cluster.*use --runner local with --provider sim\./,
    );
    usage(
      ['--runner', 'local', '--runner-image', 'x'],
      /--runner-image applies to --runner container, not local; remove it\./,
    );
    usage(
      ['--conformance-profiles', 'GATEWAY-FOO'],
      /unknown profile "GATEWAY-FOO"; use upstream names: GATEWAY-HTTP, /,
    );
    usage(['--conformance-profiles', ','], /--conformance-profiles is empty/);
    usage(['--mode', 'a/b'], /--mode "a\/b" cannot be part of a report file name/);
    usage(['--run-test', 'HTTPRoute Simple'], /--run-test "HTTPRoute Simple" is not an upstream test name/);
    usage(['--skip-tests', 'A,b-c'], /--skip-tests "b-c" is not an upstream test name/);
    usage(['--suites', 'gateway'], /kindgate conformance: Unknown option '--suites'/);
    usage(['--fixtures', '/x'], /kindgate conformance: Unknown option '--fixtures'/);
  });

  it('defaults: container runner (local for sim), the pinned image, GATEWAY-HTTP, mode default', () => {
    expect(parse([]).conformance).toMatchObject({
      runner: 'container',
      runnerImage: pins.conformance.runnerImage,
      conformanceProfiles: ['GATEWAY-HTTP'],
      mode: 'default',
      skipTests: [],
      exemptFeatures: [],
      allFeatures: false,
    });
    expect(parse(['--provider', 'sim']).conformance.runner).toBe('local');
    expect(parse(['--runner-image', 'mirror.local/golang:1.26']).conformance.runnerImage).toBe(
      'mirror.local/golang:1.26',
    );
  });

  it('the upstream suite writes no report without every implementation field: said before anything starts', () => {
    const profile = (impl: Partial<Profile['implementation']>): Profile => ({
      ...istioProfile,
      name: 'acme',
      implementation: { ...istioProfile.implementation, ...impl },
    });
    expect(() => checkImplementationComplete(istioProfile)).not.toThrow();
    expect(() => checkImplementationComplete(profile({ url: '' }))).toThrowError(
      /^The upstream suite writes no report without the implementation's url, and profile acme has none; set profile\.implementation\.url in the config file\.$/,
    );
    expect(() => checkImplementationComplete(profile({ contact: [] }))).toThrowError(/implementation's contact/);
    expect(() => checkImplementationComplete(profile({ contact: ['a,b'] }))).toThrowError(/holds a comma/);
  });
});

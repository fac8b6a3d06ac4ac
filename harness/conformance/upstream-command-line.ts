import type { RunOptions } from '../config/options.ts';
import { UsageError } from '../errors.ts';
import type { Profile } from '../profiles/types.ts';
import { SIM_SUPPORTED_FEATURES } from '../providers/sim/supported-features.ts';
import type { ConformanceOptions } from './options.ts';

/**
 * The upstream suite's command line. Its flags are registered by
 * sigs.k8s.io/gateway-api/conformance v1.6.1 conformance/utils/flags/flags.go and read by
 * conformance.RunConformance; every value comes from the profile or an option, never a guess.
 */

/** The test function of the generated module (harness/conformance/module/conformance_test.go). */
export const UPSTREAM_TEST = 'TestConformance';

/** `go test -timeout` wants a Go duration: 3h0m0s. */
export function goDuration(ms: number): string {
  const total = Math.max(1, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
}

/**
 * --cleanup-base-resources: false with --keep (the suite's namespaces stay for a look), and when
 * the cluster is deleted right after the run anyway (kind without --reuse, sim): then the
 * diagnostics bundle of a failed run still finds the suite's objects. True where the cluster
 * outlives the run.
 */
export function cleanupBaseResources(run: Pick<RunOptions, 'provider' | 'keep' | 'reuse'>): boolean {
  if (run.keep) return false;
  if (run.provider === 'sim') return false;
  if (run.provider === 'kind') return run.reuse;
  return true;
}

function missingImplementationMessage(profile: Profile, field: string): string {
  const where =
    profile.name === 'istio' ? 'the built-in istio profile' : `profile.implementation.${field} in the config file`;
  return `The upstream suite writes no report without the implementation's ${field}, and profile ${profile.name} has none; set ${where}.`;
}

/** The upstream suite refuses to write a report unless every implementation field is set (apis/v1 Implementation.Validate). */
export function checkImplementationComplete(profile: Profile): void {
  const impl = profile.implementation;
  for (const [field, value] of [
    ['organization', impl.organization],
    ['project', impl.project],
    ['url', impl.url],
    ['version', impl.version],
  ] as const) {
    if (!value) throw new UsageError(missingImplementationMessage(profile, field));
  }
  if (impl.contact.length === 0) throw new UsageError(missingImplementationMessage(profile, 'contact'));
  // The upstream --contact flag is split on commas (flags.go), so an entry must not hold one.
  const comma = impl.contact.find((c) => c.includes(','));
  if (comma !== undefined)
    throw new UsageError(
      `profile.implementation.contact entry "${comma}" holds a comma, which the upstream --contact flag would split; write one entry per contact.`,
    );
}

export interface UpstreamFlagInputs {
  profile: Profile;
  run: Pick<RunOptions, 'provider' | 'keep' | 'reuse'>;
  conformance: ConformanceOptions;
  /** Where the suite writes its ConformanceReport (as the runner sees the path). */
  reportOutput: string;
}

/**
 * The features the suite tests: the profile's; on the sim, what the sim passes (its GatewayClass
 * advertises the same), since the sim stands in for the profile's class but not its data plane.
 */
function testedFeatures(profile: Profile, run: Pick<RunOptions, 'provider'>): readonly string[] {
  return run.provider === 'sim' ? SIM_SUPPORTED_FEATURES : profile.supportedFeatures;
}

/** The flags after `-args`, in a stable order (the dry-run, the log and the README show them). */
export function upstreamFlags({ profile, run, conformance: c, reportOutput }: UpstreamFlagInputs): string[] {
  const impl = profile.implementation;
  return [
    `--gateway-class=${profile.gatewayClassName}`,
    `--supported-features=${testedFeatures(profile, run).join(',')}`,
    ...(c.allFeatures ? ['--all-features'] : []),
    ...(c.exemptFeatures.length > 0 ? [`--exempt-features=${c.exemptFeatures.join(',')}`] : []),
    `--conformance-profiles=${c.conformanceProfiles.join(',')}`,
    `--organization=${impl.organization}`,
    `--project=${impl.project}`,
    `--url=${impl.url}`,
    `--version=${impl.version}`,
    `--contact=${impl.contact.join(',')}`,
    `--mode=${c.mode}`,
    `--report-output=${reportOutput}`,
    `--cleanup-base-resources=${cleanupBaseResources(run)}`,
    ...(c.runTest ? [`--run-test=${c.runTest}`] : []),
    ...(c.skipTests.length > 0 ? [`--skip-tests=${c.skipTests.join(',')}`] : []),
  ];
}

/**
 * `go test` of the generated module: verbose (the log and JUnit are made from it), never cached
 * (-count=1), only the suite's test, and a timeout far above Go's default 10 minutes.
 * `moduleDir` becomes `-C dir` (the local runner); the container runner sets the working directory.
 */
export function goTestArgs(upstream: string[], timeoutMs: number, moduleDir?: string): string[] {
  return [
    'test',
    ...(moduleDir ? ['-C', moduleDir] : []),
    '-v',
    '-count=1',
    `-timeout=${goDuration(timeoutMs)}`,
    '-run',
    `^${UPSTREAM_TEST}$`,
    '.',
    '-args',
    ...upstream,
  ];
}

/**
 * `go test -c` of the generated module for the local runner: the same package and build as
 * goTestArgs, written to `output` instead of run, and linked -s -w as `go test` links a binary it
 * runs (cmd/go/internal/test: no symbol table or DWARF; panics still print their stack).
 */
export function goTestBuildArgs(moduleDir: string, output: string): string[] {
  return ['test', '-C', moduleDir, '-c', '-o', output, '-ldflags=-s -w', '.'];
}

/**
 * The built test binary's own flags for what `go test -v -count=1 -timeout=… -run … -args …` asks:
 * the flags `go test` hands the binary it built (`go test -n` prints them), then the upstream flags.
 */
export function testBinaryArgs(upstream: string[], timeoutMs: number): string[] {
  return [
    '-test.paniconexit0',
    '-test.v=true',
    '-test.count=1',
    `-test.timeout=${goDuration(timeoutMs)}`,
    `-test.run=^${UPSTREAM_TEST}$`,
    ...upstream,
  ];
}

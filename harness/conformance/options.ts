import type { RunOptions } from '../config/options.ts';
import { UsageError } from '../errors.ts';
import { pins } from '../pins.ts';
import { UPSTREAM_CONFORMANCE_PROFILES } from '../profiles/config.ts';
import type { Profile } from '../profiles/types.ts';

/** Where the upstream suite runs: a pinned Go image in a container, or `go` on the host. */
export type RunnerKind = 'container' | 'local';

/** What `kindgate conformance` is told beyond the cluster options every run command shares. */
export interface ConformanceOptions {
  runner: RunnerKind;
  runnerImage: string;
  /** Upstream --conformance-profiles. */
  conformanceProfiles: string[];
  /** Upstream --mode (written into the report and its file name). */
  mode: string;
  runTest?: string;
  skipTests: string[];
  exemptFeatures: string[];
  allFeatures: boolean;
  /** `go test -timeout`: far above Go's default 10 minutes, so a long run is never cut. */
  goTestTimeoutMs: number;
}

export const DEFAULT_GO_TEST_TIMEOUT_MS = 3 * 60 * 60_000;

/** Upstream test names are Go identifiers (ShortName in conformance/tests/*.go). */
const TEST_NAME = /^[A-Za-z][A-Za-z0-9]*$/;
/** The mode goes into a file name (`<channel>-<version>-<mode>-report.yaml`). */
const MODE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function list(value: unknown): string[] {
  if (value === undefined) return [];
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function unknownProfileMessage(name: string): string {
  return `--conformance-profiles has unknown profile "${name}"; use upstream names: ${UPSTREAM_CONFORMANCE_PROFILES.join(', ')}.`;
}

function runnerForSimMessage(): string {
  return "--runner container cannot reach the simulated cluster (its API server listens on this machine's loopback); use --runner local with --provider sim.";
}

/**
 * Validate the conformance-only options (flags and config-file keys, already merged by
 * parseRunOptionsWithRaw). Every mistake is one sentence naming the flag.
 */
export function parseConformanceOptions(
  raw: Record<string, unknown>,
  run: RunOptions,
  profile: Profile,
): ConformanceOptions {
  const runner = (raw.runner as string | undefined) ?? (run.provider === 'sim' ? 'local' : 'container');
  if (runner !== 'container' && runner !== 'local')
    throw new UsageError(`--runner must be one of container, local, got "${runner}".`);
  if (runner === 'container' && run.provider === 'sim') throw new UsageError(runnerForSimMessage());
  if (raw.runnerImage !== undefined && runner === 'local')
    throw new UsageError('--runner-image applies to --runner container, not local; remove it.');

  const profiles =
    raw.conformanceProfiles === undefined
      ? (profile.conformanceProfiles ?? ['GATEWAY-HTTP'])
      : list(raw.conformanceProfiles);
  if (profiles.length === 0)
    throw new UsageError('--conformance-profiles is empty; give at least one, e.g. GATEWAY-HTTP.');
  const unknown = profiles.find((p) => !(UPSTREAM_CONFORMANCE_PROFILES as readonly string[]).includes(p));
  if (unknown !== undefined) throw new UsageError(unknownProfileMessage(unknown));

  const mode = (raw.mode as string | undefined) ?? 'default';
  if (!MODE.test(mode))
    throw new UsageError(
      `--mode "${mode}" cannot be part of a report file name; use letters, digits, '.', '_' and '-'.`,
    );

  const runTest = raw.runTest as string | undefined;
  const skipTests = list(raw.skipTests);
  for (const [flag, names] of [
    ['run-test', runTest === undefined ? [] : [runTest]],
    ['skip-tests', skipTests],
  ] as const) {
    const bad = names.find((n) => !TEST_NAME.test(n));
    if (bad !== undefined)
      throw new UsageError(
        `--${flag} "${bad}" is not an upstream test name; use a name such as HTTPRouteSimpleSameNamespace.`,
      );
  }

  const timeout = raw['timeouts.goTestMs'] as number | undefined;
  return {
    runner,
    runnerImage: (raw.runnerImage as string | undefined) ?? pins.conformance.runnerImage,
    conformanceProfiles: [...new Set(profiles)],
    mode,
    runTest,
    skipTests,
    exemptFeatures: list(raw.exemptFeatures),
    allFeatures: Boolean(raw.allFeatures),
    goTestTimeoutMs: timeout === undefined ? DEFAULT_GO_TEST_TIMEOUT_MS : Math.round(timeout * 1000),
  };
}

import { parseRunOptionsWithRaw } from '../config/parse.ts';
import { parseConformanceOptions } from '../conformance/options.ts';
import { checkImplementationComplete } from '../conformance/upstream-command-line.ts';
import { createLogger } from '../log.ts';
import { getProfile } from '../profiles/index.ts';
import { tearDownWhenAbandoned } from '../run/parent-watch.ts';
import { useRunTempDir } from '../run/temp-dir.ts';

/**
 * `kindgate conformance`: provision as `kindgate test` does, then run the upstream Gateway API
 * conformance suite (pinned to the CRDs' version) instead of kindgate's suites, and keep its
 * report untouched beside a submission README. Returns the exit code (see README).
 */
export async function conformanceCommand(argv: string[]): Promise<number> {
  const { options, raw } = parseRunOptionsWithRaw('conformance', argv);
  const log = createLogger({ verbose: options.verbose });
  const profile = getProfile(options.profile);
  const conformance = parseConformanceOptions(raw, options, profile);
  checkImplementationComplete(profile);
  if (options.dryRun) {
    const { printConformancePlan } = await import('../conformance/dry-run.ts');
    return printConformancePlan(options, conformance, profile);
  }
  // How a run ends, as for `test` and `up`: whatever it and the tools it runs (go, the suite) put
  // in $TMPDIR goes with the process, and a run whose starter went away tears down as on SIGTERM.
  useRunTempDir();
  tearDownWhenAbandoned((m) => log.warn(m));
  // Loaded only once the options are known to be good: the Kubernetes client takes a second.
  const { runConformance } = await import('../conformance/run.ts');
  return runConformance({ argv, options, conformance, profile, log });
}

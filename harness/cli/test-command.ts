import { parseRunOptions } from '../config/parse.ts';
import { createLogger } from '../log.ts';
import { getProfile } from '../profiles/index.ts';
import { readTimings } from '../reports/timings.ts';
import { tearDownWhenAbandoned } from '../run/parent-watch.ts';
import { useRunTempDir } from '../run/temp-dir.ts';
import { PhaseRecorder } from '../timings.ts';
import { checkCacheDir } from './cache-dir.ts';

/**
 * `kindgate test`: its options read and checked (a refused command line loads nothing more), then
 * the run itself (test-run.ts). Returns the exit code (see README).
 */
export async function testCommand(argv: string[]): Promise<number> {
  const options = parseRunOptions('test', argv);
  const phases = new PhaseRecorder();
  const log = createLogger({ verbose: options.verbose, phases });
  const profile = getProfile(options.profile);
  if (options.dryRun) return (await import('./dry-run.ts')).printPlan(options, profile, 'test');
  checkCacheDir(options);
  // Read before the run: --compare may name the report dir this run writes into (and clears).
  const baseline = options.compare === undefined ? undefined : await readTimings(options.compare);
  useRunTempDir();
  tearDownWhenAbandoned((m) => log.warn(m));

  // Loaded only once the options are known to be good: the reports, vitest's runner and the Kubernetes client.
  const { runTest } = await import('./test-run.ts');
  return runTest({ options, profile, log, phases, baseline });
}

import type { RunOptions } from '../config/options.ts';
import { UsageError } from '../errors.ts';
import type { Profile } from '../profiles/types.ts';

/** `--dry-run`: print the kind run's plan on stdout and change nothing. */
export async function printPlan(options: RunOptions, profile: Profile): Promise<number> {
  if (options.provider !== 'kind') {
    throw new UsageError(`--dry-run shows the plan of --provider kind; ${options.provider} has nothing to plan.`);
  }
  const { planKindRun, formatPlan } = await import('../providers/kind.ts');
  process.stdout.write(`${formatPlan(planKindRun(options, profile))}\n`);
  return 0;
}

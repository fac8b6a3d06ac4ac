import type { RunOptions } from '../config/options.ts';
import { UsageError } from '../errors.ts';
import { checkCacheDir } from './cache-dir.ts';
import { describeRef, refOf } from '../kube/types.ts';
import type { Profile } from '../profiles/types.ts';
import { suiteFiles } from '../../suites/catalog.ts';
import { renderRunFixtures } from '../run/fixtures.ts';

/** `--dry-run`: print the kind run's plan on stdout and change nothing. */
export async function printPlan(options: RunOptions, profile: Profile, command: 'test' | 'up'): Promise<number> {
  if (options.provider !== 'kind') {
    throw new UsageError(`--dry-run shows the plan of --provider kind; ${options.provider} has nothing to plan.`);
  }
  checkCacheDir(options);
  const { planKindRun } = await import('../providers/kind/plan.ts');
  const { formatPlan } = await import('../providers/kind/plan-printer.ts');
  process.stdout.write(`${formatPlan(planKindRun(options, profile), runSteps(options, profile, command))}\n`);
  return 0;
}

/** Fixtures, suites and reports, as the run will do them (the fixtures are really rendered). */
function runSteps(options: RunOptions, profile: Profile, command: 'test' | 'up'): string[] {
  const fixtures = renderRunFixtures(options, profile);
  const lines = [
    `- server-side apply (field manager kindgate) of ${options.fixturesDir ?? 'the built-in fixtures'}, in file order:`,
  ];
  for (const fixture of fixtures) {
    const objects = fixture.objects.map((o) => describeRef(refOf(o)));
    lines.push(`    ${fixture.file}: ${objects.join(', ')}`);
  }
  const images = [
    ...new Set(
      fixtures
        .flatMap((f) => f.objects)
        .flatMap((o) =>
          (
            (o.spec as { template?: { spec?: { containers?: { image?: string }[] } } } | undefined)?.template?.spec
              ?.containers ?? []
          ).map((c) => c.image ?? ''),
        ),
    ),
  ].filter(Boolean);
  if (images.length) lines.push(`  images pulled by the cluster: ${images.join(', ')}`);
  const { backendsMs, gatewayMs } = options.timeouts;
  lines.push(
    `- wait for the Deployments Available (${backendsMs / 1000} s), ` +
      `each Gateway's address and its namespace's Pods Ready (${gatewayMs / 1000} s)`,
  );
  if (command === 'up') {
    lines.push('- print KUBECONFIG= and GATEWAY_URL= on stdout and serve until Ctrl-C');
    return lines;
  }
  const suites = options.suites ?? Object.keys(suiteFiles);
  lines.push(
    `- suites (vitest): ${suites.join(', ')}${suites.includes('troubleshooting') ? ' (troubleshooting in a second pass)' : ''}`,
  );
  lines.push(
    `- reports in ${options.reportDir}: junit.xml, conformance-report.yaml; diagnostics/ when anything failed (with kind export logs)`,
  );
  if (options.ownedNamespaces.length)
    lines.push(`- namespaces ${options.ownedNamespaces.join(', ')} go with the cluster (or are deleted on --reuse)`);
  return lines;
}

import type { RunOptions } from '../config/options.ts';
import { runCommand } from '../exec.ts';
import { secondsOf } from '../log.ts';
import type { Profile } from '../profiles/types.ts';
import { learnGoProxy } from './go-proxy.ts';
import type { ConformanceOptions } from './options.ts';
import { planConformance } from './plan.ts';
import { conformanceSteps, formatNonKindPlan } from './plan-text.ts';
import { SIMULATED_WARNING } from './report-files.ts';

const STAGING = '$TMPDIR/kindgate-conformance-<random>';
const CONTAINER = 'kindgate-conformance-<random>';

/** `kindgate conformance --dry-run`: the whole plan on stdout, for every provider; nothing is done. */
export async function printConformancePlan(
  options: RunOptions,
  conformance: ConformanceOptions,
  profile: Profile,
): Promise<number> {
  // Only read, as the run will: where this machine's Go gets its modules.
  const goProxy = await learnGoProxy(process.env, runCommand);
  if (options.provider === 'kind') {
    const { planKindRun, formatPlan } = await import('../providers/kind/provider.ts');
    const kindPlan = planKindRun(options, profile);
    const plan = planConformance(options, conformance, profile, {
      stagingDir: STAGING,
      kubeconfig: kindPlan.kubeconfigPath,
      kindPlan,
      containerName: CONTAINER,
      goProxy,
    });
    process.stdout.write(`${formatPlan(kindPlan, conformanceSteps(plan, conformance))}\n`);
    return 0;
  }
  const simulated = options.provider === 'sim';
  const plan = planConformance(options, conformance, profile, {
    stagingDir: STAGING,
    kubeconfig: simulated ? "<the simulated cluster's temporary kubeconfig>" : options.kubeconfig!,
    containerName: CONTAINER,
    goProxy,
  });
  const start = simulated
    ? [
        '- start the simulated cluster in this process (API server, controller and data plane on loopback)',
        `- ${SIMULATED_WARNING}`,
      ]
    : [
        `- your cluster: kubeconfig ${options.kubeconfig}${options.context ? `, context ${options.context}` : ''}; kindgate installs nothing`,
        `- wait for GatewayClass ${profile.gatewayClassName} Accepted=True (${secondsOf(options.timeouts.gatewayMs)} s)`,
        ...(options.context
          ? ['- the runner gets a private copy of the kubeconfig whose current-context is that context']
          : []),
      ];
  process.stdout.write(`${formatNonKindPlan(plan, conformance, start)}\n`);
  return 0;
}

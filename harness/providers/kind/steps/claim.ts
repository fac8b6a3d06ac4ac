import type { Logger } from '../../../log.ts';
import type { KindContext } from '../context.ts';
import { claimClusterName } from '../name-claim.ts';
import type { KindRunPlan } from '../plan.ts';
import type { KindStep } from './step.ts';

async function releaseClaim(ctx: KindContext, log: Logger): Promise<void> {
  const claim = ctx.created.nameClaim;
  ctx.created.nameClaim = undefined;
  await claim?.release().catch((e: Error) => log.warn(`releasing the claim ${claim.path}: ${e.message}`));
}

/**
 * The claim on the cluster name (name-claim.ts), held until teardown has deleted the cluster:
 * a second run with the name is refused before it lists, creates or deletes anything.
 */
export const claimStep: KindStep = {
  id: 'claim',
  continuesSection: true,
  async run(ctx) {
    const { plan } = ctx;
    ctx.created.nameClaim = await claimClusterName(ctx.options.cacheDir, plan.clusterName, plan.claim.mode);
  },
  // Last in the teardown: the name stays claimed until the cluster is gone.
  undo: releaseClaim,
  describe(plan: KindRunPlan) {
    const { clusterName: name, claim } = plan;
    const entry = `${claim.dir}/${name}.<id>.json (mode 0600: pid, start time, command line)`;
    const lines =
      claim.mode === 'create'
        ? [
            `- claim the cluster name ${name} for this run alone: ${entry};`,
            `  refused (exit 2) while another live kindgate run holds the name`,
          ]
        : [
            `- claim the cluster name ${name} for this run, shared with other --reuse runs: ${entry};`,
            `  refused (exit 2) while a live kindgate run that creates the cluster holds the name`,
          ];
    return { lines };
  },
  describeUndo: (plan) => [`- release the claim on the cluster name ${plan.clusterName}`],
};

import type { KindContext } from '../context.ts';
import type { KindRunPlan } from '../plan.ts';
import { withTools } from '../tools/with-tools.ts';
import { runPlanCommand } from '../context.ts';
import { shell } from './plan-text.ts';
import type { KindStep } from './step.ts';

function preloadFailedMessage(error: Error): string {
  return `preloading images failed (${error.message.replace(/\.$/, '')}); the node pulls them itself`;
}

/** Pull on the host (each image once), then load them all into the node with one `kind load docker-image`. */
async function preload(ctx: KindContext): Promise<void> {
  const preloadPlan = ctx.plan.images.preload;
  if (!preloadPlan) return;
  try {
    for (const pull of preloadPlan.pulls) await runPlanCommand(ctx, pull);
    await ctx.deps.run(withTools(preloadPlan.load, ctx.tools), ctx.log, { signal: ctx.signal });
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    // An optimisation only: without it the node pulls the same images, as it does without the flag.
    ctx.log.warn(preloadFailedMessage(error as Error));
  }
}

function preloadLines(plan: KindRunPlan): string[] {
  const preloadPlan = plan.images.preload;
  if (!preloadPlan) return ['- the node pulls its images itself (--preload-images loads them from the host instead)'];
  return [
    '- --preload-images: pull each on the host, then load them into the node (a failure only warns: the node pulls them itself)',
    ...preloadPlan.pulls.map((pull) => `    ${shell(pull)}`),
    `    ${shell(preloadPlan.load)}`,
  ];
}

/** The images the run pulls, listed in the plan; with --preload-images, loaded into the node before the installs. */
export const imagesStep: KindStep = {
  id: 'images',
  continuesSection: true,
  label: ({ plan }) => {
    const count = plan.images.preload?.pulls.length;
    return count ? `${count} images preloaded into the node` : undefined;
  },
  run: preload,
  describe(plan) {
    return {
      lines: [
        '- images the run pulls:',
        ...plan.images.list.map((i) => `    ${i.image} — from ${i.registry}, pulled by ${i.pulledBy}`),
        ...plan.images.notListed.map((what) => `    and ${what}, pulled by the node`),
        ...preloadLines(plan),
      ],
    };
  },
};

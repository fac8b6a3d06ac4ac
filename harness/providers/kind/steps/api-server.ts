import { secs } from './plan-text.ts';
import type { KindStep } from './step.ts';

/** The cluster's API client, once its API server answers. */
export const apiServerStep: KindStep = {
  id: 'api-server',
  label: () => 'API server answers',
  continuesSection: true,
  async run(ctx) {
    const kube = ctx.deps.kube(ctx.plan.kubeconfigPath);
    ctx.kube = kube;
    await kube.waitForApi(ctx.plan.cluster.apiTimeoutMs);
  },
  describe(plan) {
    return { lines: [`- wait until the API server answers (${secs(plan.cluster.apiTimeoutMs)})`] };
  },
};

import { secs } from './plan-text.ts';
import type { KindStep } from './step.ts';

/** `work`, or the abort reason as soon as `signal` is aborted (for a wait that takes no signal). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

/** The cluster's API client, once its API server answers. */
export const apiServerStep: KindStep = {
  id: 'api-server',
  label: () => 'API server answers',
  phase: () => 'API server answering',
  continuesSection: true,
  async run(ctx) {
    const kube = ctx.deps.kube(ctx.plan.kubeconfigPath);
    ctx.kube = kube;
    // The client's wait takes no signal: a teardown mid-wait must not sit out its timeout.
    await untilAborted(kube.waitForApi(ctx.plan.cluster.apiTimeoutMs), ctx.signal);
  },
  describe(plan) {
    return { lines: [`- wait until the API server answers (${secs(plan.cluster.apiTimeoutMs)})`] };
  },
};

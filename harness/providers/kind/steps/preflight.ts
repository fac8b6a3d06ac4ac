import { EnvironmentError } from '../../../errors.ts';
import type { KindContext } from '../context.ts';
import { checkKubeconfigTarget, defaultKubeconfigPath } from '../kubeconfig.ts';
import type { KindRunPlan } from '../plan.ts';
import { preflight } from '../preflight.ts';
import { secs, shell } from './plan-text.ts';
import type { KindStep } from './step.ts';

function vendorCommandMissingMessage(program: string, profile: string): string {
  return (
    `\`${program}\` (profile.install.command of profile ${profile}) was not found on PATH; ` +
    'install it, or give its absolute path in the config file.'
  );
}

/** The vendor's install program must be there before a cluster is created for it. */
async function vendorCommandFound(ctx: KindContext): Promise<void> {
  const install = ctx.plan.installs.implementation;
  if (install.type !== 'vendor' || !install.command) return;
  const program = install.command.file;
  if (program.includes('/')) return; // a path: checked when the config file was read
  if (!(await ctx.deps.which(program)))
    throw new EnvironmentError(vendorCommandMissingMessage(program, install.profile));
}

/** Checks before anything is created: the kubeconfig target, Node.js, the engine, download hosts, the vendor's program. */
export const preflightStep: KindStep = {
  id: 'preflight',
  label: () => 'preflight',
  async run(ctx) {
    const { plan, options } = ctx;
    await checkKubeconfigTarget(plan.kubeconfigPath, defaultKubeconfigPath(options.cacheDir, plan.clusterName));
    const host = { platform: ctx.deps.host.platform, env: ctx.deps.host.env };
    ctx.routing = await preflight(plan, { ...ctx.deps, ...host }, ctx.log, ctx.signal);
    await vendorCommandFound(ctx);
  },
  describe(plan: KindRunPlan) {
    const lines = [
      `- Node.js >= ${plan.preflight.nodeMinimum}; platform ${plan.platform.os}/${plan.platform.arch}`,
      `- container engine reachable: ${shell(plan.preflight.engineInfo)}`,
    ];
    if (plan.preflight.contextEndpoint)
      lines.push(`- the current docker context's endpoint: ${shell(plan.preflight.contextEndpoint)}`);
    const implementation = plan.installs.implementation;
    if (implementation.type === 'vendor' && implementation.command) {
      const program = implementation.command.file;
      lines.push(`- ${program} (profile.install.command) ${program.includes('/') ? 'exists' : 'is on PATH'}`);
    }
    lines.push(
      `- download hosts answer a HEAD request within ${secs(plan.preflight.hostProbeTimeoutMs)} (only for downloads not already in the cache)`,
    );
    return { heading: 'Preflight (each failure stops the run with one sentence and leaves nothing behind)', lines };
  },
};

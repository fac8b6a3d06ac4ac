import { formatCommand } from '../../../exec.ts';
import { describeRef } from '../../../kube/types.ts';
import { installDeps } from '../context.ts';
import { installIstio } from '../install/istio.ts';
import { installVendor } from '../install/vendor.ts';
import type { IstioPlan, VendorInstallPlan } from '../plan.ts';
import { gatewayApiCrdsStep } from './gateway-api-crds.ts';
import { secs, shell } from './plan-text.ts';
import type { PlanText, KindStep, SectionOf } from './step.ts';

function istioText(plan: IstioPlan, crds: string): PlanText {
  return {
    heading: `Istio ${plan.version}`,
    lines: [
      shell(plan.install),
      `wait ${describeRef(plan.istiod)} Available (${secs(plan.istiodTimeoutMs)})`,
      `after ${crds}: wait ${describeRef(plan.gatewayClass)} Accepted=True (${secs(plan.gatewayClassTimeoutMs)})`,
    ],
  };
}

function vendorText(plan: VendorInstallPlan, crds: string): PlanText {
  const lines: string[] = [];
  if (plan.command) {
    const env = Object.entries(plan.command.env ?? {})
      .map(([k, v]) => `${formatCommand({ file: `${k}=${v}`, args: [] })} `)
      .join('');
    lines.push(`$ ${env}${formatCommand(plan.command)}   (no shell; up to ${secs(plan.command.timeoutMs)})`);
  }
  for (const manifest of plan.manifests) lines.push(`server-side apply ${manifest} (field manager kindgate)`);
  lines.push(`wait ${describeRef(plan.gatewayClass)} Accepted=True (${secs(plan.gatewayClassTimeoutMs)})`);
  return {
    heading: `${plan.profile} (profile.install of the config file), after ${crds}: the Gateway API CRDs are Established`,
    lines,
  };
}

/**
 * The profile's implementation: Istio's istioctl, or the vendor's own install. Both need the
 * Gateway API CRDs at some point (the vendor's before it starts), so they wait for that step.
 */
export const implementationStep: KindStep = {
  id: 'implementation',
  label: ({ plan }) => {
    const implementation = plan.installs.implementation;
    const accepted = `GatewayClass ${implementation.gatewayClass.name} Accepted`;
    return implementation.type === 'istio'
      ? `Istio ${implementation.version} ready (istiod Available, ${accepted})`
      : `${implementation.profile} installed (${accepted})`;
  },
  phase: () => 'implementation installed',
  async run(ctx) {
    const implementation = ctx.plan.installs.implementation;
    const deps = { ...installDeps(ctx), crdsReady: ctx.after(gatewayApiCrdsStep.id) };
    if (implementation.type === 'istio') await installIstio(implementation, deps, ctx.log);
    else await installVendor(implementation, deps, ctx.log);
  },
  describe(plan, sectionOf: SectionOf) {
    const implementation = plan.installs.implementation;
    const crds = sectionOf(gatewayApiCrdsStep.id);
    return implementation.type === 'istio' ? istioText(implementation, crds) : vendorText(implementation, crds);
  },
};

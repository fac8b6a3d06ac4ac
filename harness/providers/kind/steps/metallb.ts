import { describeRef } from '../../../kube/types.ts';
import { installDeps } from '../context.ts';
import { DAEMONSET_READY, installMetallb } from '../install/metallb.ts';
import type { KindRunPlan } from '../plan.ts';
import { poolSliceExample } from '../pool.ts';
import { artifactLines, secs, shell } from './plan-text.ts';
import type { KindStep } from './step.ts';

function poolChoiceLine(plan: KindRunPlan): string {
  const { networkInspect } = plan.installs.metallb;
  const examples =
    `${poolSliceExample(plan.clusterName, 16)} in a /16, docker's default; ` +
    `${poolSliceExample(plan.clusterName, 24)} in a /24`;
  return (
    `${shell(networkInspect)} → the IPv4 subnet (by address family) → ` +
    `this cluster's slice at its top, from a hash of the cluster name (${examples})`
  );
}

function poolApplyLine(plan: KindRunPlan): string {
  const { namespace, poolName, l2AdvertisementName, poolRetryMs } = plan.installs.metallb;
  const ref = (kind: string, name: string) => describeRef({ apiVersion: 'metallb.io/v1beta1', kind, namespace, name });
  return (
    `server-side apply ${ref('IPAddressPool', poolName)} + ${ref('L2Advertisement', l2AdvertisementName)} ` +
    `(metallb.io/v1beta1), retried while the webhook is not serving yet, up to ${secs(poolRetryMs)}`
  );
}

/** MetalLB, its controller Available and speakers Ready, and this cluster's address pool on the kind network. */
export const metallbStep: KindStep = {
  id: 'metallb',
  label: ({ plan }) => `MetalLB ${plan.installs.metallb.version} ready`,
  async run(ctx) {
    const { plan } = ctx;
    const deps = { ...installDeps(ctx), engine: plan.engine, network: plan.network, clusterName: plan.clusterName };
    const pool = await installMetallb(plan.installs.metallb, deps, ctx.log);
    ctx.log.info(`MetalLB pool ${pool.range} (docker network ${plan.network}, ${pool.subnet})`);
  },
  describe(plan) {
    const metallb = plan.installs.metallb;
    return {
      heading: `MetalLB ${metallb.version}`,
      lines: [
        ...artifactLines(metallb.manifest, ''),
        'server-side apply (field manager kindgate)',
        `wait ${describeRef(metallb.controller)} Available (${secs(metallb.controllerTimeoutMs)})`,
        `then ${describeRef(metallb.speaker)}: ${DAEMONSET_READY} (${secs(metallb.speakerTimeoutMs)})`,
        poolChoiceLine(plan),
        poolApplyLine(plan),
      ],
    };
  },
};

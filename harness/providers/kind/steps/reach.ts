import type { Logger } from '../../../log.ts';
import type { KindContext } from '../context.ts';
import type { KindRunPlan } from '../plan.ts';
import { GatewayReach } from '../reach/endpoint.ts';
import { RELAY_PORT, relayCommand, removeLabelledContainers } from '../reach/relay.ts';
import { labelList } from './plan-text.ts';
import type { KindStep } from './step.ts';

function modeLine(plan: KindRunPlan): string {
  if (plan.reach === 'relay') {
    const labels = labelList(plan.teardown.relayLabel);
    return `- always through a relay container: image ${plan.relayImage}, network ${plan.network}, label ${labels}`;
  }
  const fallback =
    plan.reach === 'auto'
      ? `; otherwise a relay container (image ${plan.relayImage}) on docker network ${plan.network} forwards a host port to it`
      : '';
  return `- direct when a TCP connect to it works${fallback}`;
}

function relayLine(plan: KindRunPlan): string {
  const args = relayCommand({ host: '<address>', port: 0 }).join(' ').replace(':0', ':<listener port>');
  const where = `testcontainers, network ${plan.network}, container port ${RELAY_PORT} → a free host port`;
  return `- relay (${where}): ${plan.relayImage} ${args}`;
}

/** Remove the relays this run started: those it tracks, then any left carrying its label. */
async function removeRelays(ctx: KindContext, log: Logger): Promise<void> {
  const { reach } = ctx;
  ctx.reach = undefined;
  if (reach) await reach.close().catch((e: Error) => log.warn(`removing relay containers: ${e.message}`));
  if (!ctx.created.relays) return;
  ctx.created.relays = false;
  const { engine, teardown } = ctx.plan;
  await removeLabelledContainers(engine, teardown.relayLabel, ctx.deps.run, log).catch((e: Error) =>
    log.warn(`removing relay containers by label: ${e.message}`),
  );
}

/**
 * How the suites reach a Gateway: its status address, directly or through a relay container
 * started on demand. Nothing to wait for here (no step line); relays appear later, per Gateway.
 */
export const reachStep: KindStep = {
  id: 'reach',
  async run(ctx) {
    const { plan, deps } = ctx;
    const kube = ctx.kube;
    if (!kube) throw new Error('the API server step did not run');
    ctx.reach = new GatewayReach(
      {
        mode: plan.reach,
        relayImage: plan.relayImage,
        network: plan.network,
        labels: plan.teardown.relayLabel,
        directWindowMs: deps.directWindowMs,
      },
      {
        getGateway: (ref) => kube.get({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', ...ref }),
        connectable: deps.connectable,
        startRelay: (spec, log) => {
          ctx.created.relays = true;
          return deps.startRelay(spec, log);
        },
      },
      ctx.log,
    );
  },
  undo: removeRelays,
  describe(plan) {
    return {
      heading: `Reaching a Gateway (--reach ${plan.reach}): its Gateway.status.addresses address`,
      lines: [modeLine(plan), relayLine(plan)],
    };
  },
  describeUndo(plan) {
    return [`- remove relay containers labelled ${labelList(plan.teardown.relayLabel)}`];
  },
};

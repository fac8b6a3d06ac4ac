import type { Logger } from '../../../log.ts';
import type { KindContext } from '../context.ts';
import type { KindRunPlan } from '../plan.ts';
import { GatewayReach } from '../reach/endpoint.ts';
import { RELAY_PORT, relayCommand, removeLabelledContainers } from '../reach/relay.ts';
import { labelList, secs } from './plan-text.ts';
import { formatCommand } from '../../../exec.ts';
import { gatherReachFacts } from '../reach/unreachable.ts';
import type { KindStep } from './step.ts';

const ROUTABLE_UNLESS = (plan: KindRunPlan) =>
  [
    `\`${formatCommand(plan.preflight.engineInfo)}\` shows Docker Desktop or a rootless engine`,
    ...(plan.preflight.contextEndpoint
      ? [`\`${formatCommand(plan.preflight.contextEndpoint)}\` a remote endpoint`]
      : []),
  ].join(', or ');

/** --reach auto: the rule for the platform this runs on (what the engine says is decided at preflight). */
function autoLines(plan: KindRunPlan): string[] {
  const relay = `a relay container (image ${plan.relayImage}) on network ${plan.network} forwards a host port to it`;
  if (plan.routing) {
    const routable = plan.routing.routable;
    return [`- here ${plan.routing.why}: ${routable ? 'direct' : `always through ${relay}`}`];
  }
  return [
    `- on this ${plan.platform.os} host: direct, waiting up to ${secs(plan.directWaitMs)} (--gateway-timeout) for a TCP connect ` +
      '(a relay would sit on the same network and fail the same way); when it never answers: an error naming the ' +
      "Gateway's Service, its EndpointSlices, the MetalLB speaker's readiness and recent events",
    `- ${relay} instead when the kind network is not routable from this host: ${ROUTABLE_UNLESS(plan)}`,
  ];
}

function modeLines(plan: KindRunPlan): string[] {
  if (plan.reach === 'relay') {
    const labels = labelList(plan.teardown.relayLabel);
    return [`- always through a relay container: image ${plan.relayImage}, network ${plan.network}, label ${labels}`];
  }
  if (plan.reach === 'direct') return ['- always direct, without waiting or a relay'];
  return autoLines(plan);
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
 * How the suites reach a Gateway: its status address, directly where the kind network is
 * routable from this host, else through a relay container started on demand. Nothing to wait
 * for here (no step line); relays appear later, per Gateway.
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
        routing: ctx.routing ?? plan.routing ?? { routable: true, why: 'preflight did not run' },
        relayImage: plan.relayImage,
        network: plan.network,
        labels: plan.teardown.relayLabel,
        directWaitMs: deps.directWaitMs ?? plan.directWaitMs,
        signal: ctx.signal,
      },
      {
        getGateway: (ref) => kube.get({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', ...ref }),
        connectable: deps.connectable,
        startRelay: (spec, log) => {
          ctx.created.relays = true;
          return deps.startRelay(spec, log);
        },
        explainUnreachable: (gateway, target) => gatherReachFacts(kube, gateway, target, plan.installs.metallb.speaker),
      },
      ctx.log,
    );
  },
  undo: removeRelays,
  describe(plan) {
    return {
      heading: `Reaching a Gateway (--reach ${plan.reach}): its Gateway.status.addresses address`,
      lines: [...modeLines(plan), relayLine(plan)],
    };
  },
  describeUndo(plan) {
    return [`- remove relay containers labelled ${labelList(plan.teardown.relayLabel)}`];
  },
};

import { installDeps } from '../context.ts';
import { installGatewayApiCrds } from '../install/gateway-api-crds.ts';
import { artifactLines, secs } from './plan-text.ts';
import type { KindStep } from './step.ts';

/** The pinned Gateway API bundle (either channel), every CRD Established. */
export const gatewayApiCrdsStep: KindStep = {
  id: 'gateway-api-crds',
  label: ({ plan }) => {
    const crds = plan.installs.gatewayApiCrds;
    return `Gateway API ${crds.version} CRDs (${crds.channel}) Established`;
  },
  phase: () => 'CRDs Established',
  async run(ctx) {
    await installGatewayApiCrds(ctx.plan.installs.gatewayApiCrds, installDeps(ctx), ctx.log);
  },
  describe(plan) {
    const crds = plan.installs.gatewayApiCrds;
    return {
      heading: `Gateway API ${crds.version} CRDs, ${crds.channel} channel`,
      lines: [
        ...artifactLines(crds.bundle, ''),
        `server-side apply (field manager kindgate); wait every CRD Established (${secs(crds.establishedTimeoutMs)})`,
      ],
    };
  },
};

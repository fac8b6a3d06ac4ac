import { conditionHolds } from '../../../kube/conditions.ts';
import type { ObjectRef } from '../../../kube/types.ts';
import type { Logger } from '../../../log.ts';
import { timedPhase } from '../../../timings.ts';
import type { InstallDeps } from './deps.ts';

/** The last step of every implementation's install: its GatewayClass Accepted=True, timed as a phase. */
export async function waitGatewayClassAccepted(
  plan: { gatewayClass: ObjectRef; gatewayClassTimeoutMs: number },
  deps: InstallDeps,
  log: Logger,
  what = 'Accepted=True',
): Promise<void> {
  await timedPhase(
    log.phases,
    'GatewayClass Accepted',
    () =>
      deps.kube.waitFor(plan.gatewayClass, (gc) => conditionHolds(gc, 'Accepted'), {
        timeoutMs: plan.gatewayClassTimeoutMs,
        what,
        signal: deps.signal,
      }),
    plan.gatewayClass.name,
  );
}

import { conditionHolds } from '../../../kube/conditions.ts';
import type { Logger } from '../../../log.ts';
import type { IstioPlan } from '../plan.ts';
import { withTools } from '../tools/with-tools.ts';
import type { InstallDeps } from './deps.ts';
import { waitGatewayClassAccepted } from './gateway-class.ts';

/**
 * `istioctl install --set profile=minimal -y` (istiod only: istiod deploys each Gateway API
 * Gateway itself), then istiod Available, then — once the Gateway API CRDs are Established —
 * GatewayClass `istio` Accepted=True (istiod creates that class itself and picks up CRDs installed
 * after it starts: istio pkg/kube/kclient/crdwatcher.go).
 */
export async function installIstio(
  plan: IstioPlan,
  deps: InstallDeps & { crdsReady: Promise<unknown> },
  log: Logger,
): Promise<void> {
  await deps.run(withTools(plan.install, deps.tools), log, { signal: deps.signal });
  await deps.kube.waitFor(plan.istiod, (d) => conditionHolds(d, 'Available'), {
    timeoutMs: plan.istiodTimeoutMs,
    what: 'Available=True',
    signal: deps.signal,
  });
  await deps.crdsReady;
  await waitGatewayClassAccepted(plan, deps, log);
}

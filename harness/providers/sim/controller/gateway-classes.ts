import { pins } from '../../../pins.ts';
import { GATEWAY_API_VERSION } from '../../../kube/gateway-api.ts';
import type { Store } from '../apiserver/store.ts';
import { SIM_SUPPORTED_FEATURES } from '../supported-features.ts';
import { type ControllerContext, createIfAbsent, writeStatus } from './context.ts';
import { setConditions } from './status-conditions.ts';

/**
 * The GatewayClass side of the controller, as istiod does it: it creates its default class at
 * start, accepts every class naming its controllerName, and (for Istio) runs istiod itself.
 */

export const ISTIO_CONTROLLER = 'istio.io/gateway-controller';
export const CONTROL_PLANE_NAMESPACE = 'istio-system';

export function ensureGatewayClass(store: Store, className: string, controllerName: string): void {
  if (store.get(GATEWAY_API_VERSION, 'GatewayClass', undefined, className)) return;
  createIfAbsent(store, {
    apiVersion: GATEWAY_API_VERSION,
    kind: 'GatewayClass',
    metadata: { name: className },
    spec: { controllerName, description: 'The default Istio GatewayClass' },
  });
}

/** What `istioctl install --set profile=minimal` leaves behind that the harness looks at: istiod. */
export function ensureControlPlane(store: Store): void {
  createIfAbsent(store, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: CONTROL_PLANE_NAMESPACE },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  });
  const labels = { app: 'istiod', istio: 'pilot' };
  createIfAbsent(store, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'istiod', namespace: CONTROL_PLANE_NAMESPACE, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'discovery', image: `docker.io/istio/pilot:${pins.istio.version}` }] },
      },
    },
  });
}

/**
 * Accept every GatewayClass naming our controller, advertising the features the sim passes
 * (status.supportedFeatures, sorted by name; the upstream suite reads them when no feature flag
 * is given); returns their names.
 */
export function acceptGatewayClasses(ctx: ControllerContext): Set<string> {
  const names = new Set<string>();
  for (const gc of ctx.store.list(GATEWAY_API_VERSION, 'GatewayClass')) {
    if ((gc.spec as { controllerName?: string } | undefined)?.controllerName !== ctx.controllerName) continue;
    names.add(gc.metadata.name);
    const existing = (gc.status ?? {}) as { conditions?: never[] };
    const status = {
      ...existing,
      conditions: setConditions(
        existing.conditions,
        [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Handled by Istio controller' }],
        gc.metadata.generation ?? 1,
      ),
      supportedFeatures: [...SIM_SUPPORTED_FEATURES].sort().map((name) => ({ name })),
    };
    writeStatus(ctx, gc, status);
  }
  return names;
}

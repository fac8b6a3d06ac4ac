import {
  GATEWAY_API_VERSION,
  GATEWAY_GROUP,
  type GatewaySpec,
  type ReferenceGrantSpec,
} from '../../../kube/gateway-api.ts';
import type { KubeObject, Store } from '../apiserver/store.ts';
import { nowTimestamp } from '../timestamps.ts';
import { type ControllerContext, writeStatus } from './context.ts';
import { infraName, serviceHost } from './gateway-infra.ts';
import { resolveListenerCertificates, type SecretLookup } from './listener-certificates.ts';
import {
  buildGatewayStatus,
  evaluateListeners,
  type ListenerEvaluation,
  withPortUnavailable,
} from './gateway-status.ts';

/** The Gateways this controller owns (their class is one of ours), and their status. */

export interface OwnedGateway {
  obj: KubeObject;
  spec: GatewaySpec;
  listeners: ListenerEvaluation[];
  /** Why spec.infrastructure.parametersRef cannot be used (the Gateway is then not accepted nor served). */
  invalidParameters?: string;
}

/**
 * The sim takes, as Istio does, a ConfigMap of the Gateway's namespace as infrastructure
 * parameters (and ignores its contents); any other reference, or a missing ConfigMap, is invalid.
 */
function parametersProblem(store: Store, spec: GatewaySpec, namespace: string): string | undefined {
  const ref = spec.infrastructure?.parametersRef;
  if (!ref) return undefined;
  if (ref.group !== '' || ref.kind !== 'ConfigMap')
    return `parametersRef ${ref.group}/${ref.kind} ${ref.name} is not supported (only a core ConfigMap)`;
  if (!store.get('v1', 'ConfigMap', namespace, ref.name))
    return `parametersRef ConfigMap ${namespace}/${ref.name} does not exist`;
  return undefined;
}

/** `namespace/name`: how the controller keys Gateways in its maps. */
export function gatewayKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function secretLookup(store: Store): SecretLookup {
  return {
    secretData: (ns, name) => {
      const secret = store.get('v1', 'Secret', ns, name);
      return secret
        ? (((secret as { data?: Record<string, string> }).data ?? {}) as Record<string, string>)
        : undefined;
    },
    referenceGrants: (ns) =>
      store.list(`${GATEWAY_GROUP}/v1beta1`, 'ReferenceGrant', ns).map((g) => g.spec as ReferenceGrantSpec),
  };
}

export function ownedGateways(store: Store, classes: Set<string>): Map<string, OwnedGateway> {
  const owned = new Map<string, OwnedGateway>();
  const secrets = secretLookup(store);
  for (const gw of store.list(GATEWAY_API_VERSION, 'Gateway')) {
    const spec = (gw.spec ?? {}) as GatewaySpec;
    if (!classes.has(spec.gatewayClassName)) continue;
    const namespace = gw.metadata.namespace ?? 'default';
    owned.set(gatewayKey(gw.metadata.namespace, gw.metadata.name), {
      obj: gw,
      spec,
      listeners: evaluateListeners(spec.listeners ?? [], (l) => resolveListenerCertificates(l, namespace, secrets)),
      invalidParameters: parametersProblem(store, spec, namespace),
    });
  }
  return owned;
}

/** The address MetalLB gave the Gateway's `<gw>-istio` Service, if any yet. */
export function serviceAddress(store: Store, namespace: string, gatewayName: string): string | undefined {
  const svc = store.get('v1', 'Service', namespace, infraName(gatewayName));
  const status = (svc?.status ?? {}) as { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
  const ingress = status.loadBalancer?.ingress ?? [];
  return ingress[0]?.ip ?? ingress[0]?.hostname;
}

/**
 * Gateway and listener status, with the number of routes attached to each listener and, for a
 * listener the data plane could not serve at its port, why (`portProblem`).
 */
export function writeGatewayStatuses(
  ctx: ControllerContext,
  owned: Map<string, OwnedGateway>,
  attached: Map<string, Map<string, number>>,
  portProblem: (gw: OwnedGateway, listener: string) => string | undefined,
): void {
  for (const [key, gw] of owned) {
    const namespace = gw.obj.metadata.namespace ?? 'default';
    const latest = ctx.store.get(GATEWAY_API_VERSION, 'Gateway', namespace, gw.obj.metadata.name);
    // Changed while this pass awaited servers: the next pass (already scheduled) reports it.
    if (!latest || latest.metadata.generation !== gw.obj.metadata.generation) continue;
    const status = buildGatewayStatus(
      latest.status as Parameters<typeof buildGatewayStatus>[0],
      {
        generation: latest.metadata.generation ?? 1,
        listeners: gw.listeners.map((l) => withPortUnavailable(l, portProblem(gw, l.listener.name))),
        attachedRoutes: attached.get(key) ?? new Map(),
        serviceHost: serviceHost(gw.obj.metadata.name, namespace),
        address: serviceAddress(ctx.store, namespace, gw.obj.metadata.name),
        invalidParameters: gw.invalidParameters,
      },
      nowTimestamp(),
    );
    writeStatus(ctx, latest, status);
  }
}

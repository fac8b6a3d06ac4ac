import {
  GATEWAY_API_VERSION,
  GATEWAY_GROUP,
  type HTTPRouteSpec,
  type ReferenceGrantSpec,
  type RouteParentStatus,
} from '../../../kube/gateway-api.ts';
import type { KubeObject, Store } from '../apiserver/store.ts';
import type { DataPlaneRule, ListenerRoutes } from '../dataplane/route-table.ts';
import { nowTimestamp } from '../timestamps.ts';
import { type ControllerContext, writeStatus } from './context.ts';
import { gatewayKey, type OwnedGateway } from './gateways.ts';
import {
  attachToGateway,
  buildRouteParents,
  type GatewayView,
  type ParentOutcome,
  parentTarget,
  type ReferenceLookup,
  resolveBackendRef,
  resolveRouteRefs,
  type RouteView,
} from './route-status.ts';

/**
 * HTTPRoutes against the Gateways we own: each route's parent status (written under our
 * controllerName), how many routes attach to each listener, and the route table each listener's
 * data plane serves.
 */

export interface RouteReconcileResult {
  /** Gateway key → listener → number of attached routes. */
  attached: Map<string, Map<string, number>>;
  /** Gateway key → listener → the routes it serves. */
  tables: Map<string, Map<string, ListenerRoutes>>;
}

/** Gateway key → listener → the hostnames a route serves there. */
type ListenerHostnames = Map<string, Map<string, string[]>>;

export function reconcileRoutes(ctx: ControllerContext, owned: Map<string, OwnedGateway>): RouteReconcileResult {
  const result: RouteReconcileResult = { attached: new Map(), tables: new Map() };
  const lookup = referenceLookup(ctx.store);
  const allGateways = new Set(
    ctx.store.list(GATEWAY_API_VERSION, 'Gateway').map((g) => gatewayKey(g.metadata.namespace, g.metadata.name)),
  );
  for (const obj of ctx.store.list(GATEWAY_API_VERSION, 'HTTPRoute')) {
    const route: RouteView = {
      namespace: obj.metadata.namespace ?? 'default',
      name: obj.metadata.name,
      generation: obj.metadata.generation ?? 1,
      spec: (obj.spec ?? {}) as HTTPRouteSpec,
    };
    const { outcomes, hostnames } = attachToParents(ctx.store, route, owned, allGateways);
    writeRouteStatus(ctx, obj, route, outcomes, lookup);
    addToTables(result, obj, dataPlaneRules(route, lookup), hostnames);
  }
  return result;
}

/** Each parentRef's outcome (ours only), and where the route attached with which hostnames. */
function attachToParents(
  store: Store,
  route: RouteView,
  owned: Map<string, OwnedGateway>,
  allGateways: Set<string>,
): { outcomes: ParentOutcome[]; hostnames: ListenerHostnames } {
  const outcomes: ParentOutcome[] = [];
  const hostnames: ListenerHostnames = new Map();
  for (const ref of route.spec.parentRefs ?? []) {
    const target = parentTarget(ref, route.namespace);
    if (target.group !== GATEWAY_GROUP || target.kind !== 'Gateway') continue; // mesh parents are not ours
    const key = gatewayKey(target.namespace, target.name);
    const gw = owned.get(key);
    if (!gw) {
      if (allGateways.has(key)) continue; // another controller's Gateway: not ours to report on
      outcomes.push({
        ref,
        attachment: { accepted: false, reason: 'NoMatchingParent', message: 'parent gateway not found' },
      });
      continue;
    }
    const view: GatewayView = { namespace: target.namespace, name: target.name, listeners: gw.listeners };
    const attachment = attachToGateway(route, ref, view, namespaceLabels(store, route.namespace));
    outcomes.push({ ref, attachment });
    if (!attachment.accepted) continue;
    const perListener = hostnames.get(key) ?? new Map<string, string[]>();
    for (const l of attachment.listeners)
      perListener.set(l.name, [...new Set([...(perListener.get(l.name) ?? []), ...l.hostnames])]);
    hostnames.set(key, perListener);
  }
  return { outcomes, hostnames };
}

/** status.parents: ours rewritten (or dropped when no parentRef is ours any more), others' kept. */
function writeRouteStatus(
  ctx: ControllerContext,
  obj: KubeObject,
  route: RouteView,
  outcomes: ParentOutcome[],
  lookup: ReferenceLookup,
): void {
  const existing = ((obj.status ?? {}) as { parents?: RouteParentStatus[] }).parents;
  const ours = (existing ?? []).some((p) => p.controllerName === ctx.controllerName);
  if (outcomes.length === 0 && !ours) return;
  const refs = resolveRouteRefs(route, lookup);
  const parents = buildRouteParents(route, existing, outcomes, refs, ctx.controllerName, nowTimestamp());
  writeStatus(ctx, obj, { ...((obj.status ?? {}) as object), parents });
}

function addToTables(
  result: RouteReconcileResult,
  obj: KubeObject,
  rules: DataPlaneRule[],
  hostnames: ListenerHostnames,
): void {
  for (const [key, perListener] of hostnames) {
    const counts = result.attached.get(key) ?? new Map<string, number>();
    const table = result.tables.get(key) ?? new Map<string, ListenerRoutes>();
    for (const [listener, listenerHostnames] of perListener) {
      counts.set(listener, (counts.get(listener) ?? 0) + 1);
      table.set(listener, [
        ...(table.get(listener) ?? []),
        {
          namespace: obj.metadata.namespace ?? 'default',
          name: obj.metadata.name,
          creationTimestamp: obj.metadata.creationTimestamp ?? '',
          hostnames: listenerHostnames,
          rules,
        },
      ]);
    }
    result.attached.set(key, counts);
    result.tables.set(key, table);
  }
}

/** The route's rules as the data plane runs them: backendRefs resolved to Services or marked unusable. */
function dataPlaneRules(route: RouteView, lookup: ReferenceLookup): DataPlaneRule[] {
  return (route.spec.rules ?? []).map((rule) => ({
    matches: rule.matches,
    filters: rule.filters,
    backends: (rule.backendRefs ?? []).map((ref) => {
      const resolution = resolveBackendRef(ref, route.namespace, lookup);
      return {
        weight: ref.weight ?? 1,
        filters: ref.filters,
        target: resolution.ok
          ? { kind: 'service' as const, namespace: ref.namespace ?? route.namespace, name: ref.name, port: ref.port }
          : { kind: 'invalid' as const, reason: resolution.reason },
      };
    }),
  }));
}

function namespaceLabels(store: Store, namespace: string): Record<string, string> {
  const ns = store.get('v1', 'Namespace', undefined, namespace);
  // The API server sets this label on every namespace; selectors commonly use it.
  return { ...(ns?.metadata.labels ?? {}), 'kubernetes.io/metadata.name': namespace };
}

function referenceLookup(store: Store): ReferenceLookup {
  return {
    serviceExists: (ns, name) => store.get('v1', 'Service', ns, name) !== undefined,
    referenceGrants: (ns) =>
      store.list(`${GATEWAY_GROUP}/v1beta1`, 'ReferenceGrant', ns).map((g) => g.spec as ReferenceGrantSpec),
  };
}

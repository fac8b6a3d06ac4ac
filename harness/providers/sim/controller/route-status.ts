import type { ListenerEvaluation } from './gateway-status.ts';
import {
  type BackendRef,
  GATEWAY_GROUP,
  type HTTPRouteSpec,
  type LabelSelector,
  type ParentReference,
  type ReferenceGrantSpec,
  type RouteParentStatus,
} from '../../../kube/gateway-api.ts';
import { effectiveHostnames } from '../dataplane/route-match.ts';
import { type DesiredCondition, setConditions } from './status-conditions.ts';

/**
 * HTTPRoute attachment and reference resolution, with the reasons and messages Istio uses
 * (pilot's ReferenceAllowed / createRouteStatus). Pure: the controller hands in what it knows.
 */

export interface GatewayView {
  namespace: string;
  name: string;
  listeners: ListenerEvaluation[];
}

export interface RouteView {
  namespace: string;
  name: string;
  generation: number;
  spec: HTTPRouteSpec;
}

export type Attachment =
  | { accepted: true; listeners: { name: string; hostnames: string[] }[] }
  | {
      accepted: false;
      reason: 'NoMatchingParent' | 'NotAllowedByListeners' | 'NoMatchingListenerHostname';
      message: string;
    };

export type RefResolution =
  { ok: true } | { ok: false; reason: 'BackendNotFound' | 'RefNotPermitted' | 'InvalidKind'; message: string };

/** What a parentRef points at, with the CRD defaults applied (namespace defaults to the route's). */
export function parentTarget(
  ref: ParentReference,
  routeNamespace: string,
): { group: string; kind: string; namespace: string; name: string } {
  return {
    group: ref.group ?? GATEWAY_GROUP,
    kind: ref.kind ?? 'Gateway',
    namespace: ref.namespace ?? routeNamespace,
    name: ref.name,
  };
}

/** Identity of a parentRef for matching status entries to spec entries. */
export function parentRefKey(ref: ParentReference, routeNamespace: string): string {
  const t = parentTarget(ref, routeNamespace);
  return `${t.group}/${t.kind}/${t.namespace}/${t.name}/${ref.sectionName ?? ''}/${ref.port ?? ''}`;
}

export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true; // an empty selector selects everything
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const inValues = has && (e.values ?? []).includes(labels[e.key]);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function namespaceAllowed(
  l: ListenerEvaluation,
  gatewayNamespace: string,
  routeNamespace: string,
  routeNamespaceLabels: Record<string, string>,
): boolean {
  const from = l.listener.allowedRoutes?.namespaces?.from ?? 'Same';
  if (from === 'All') return true;
  if (from === 'Same') return routeNamespace === gatewayNamespace;
  return selectorMatches(l.listener.allowedRoutes?.namespaces?.selector ?? {}, routeNamespaceLabels);
}

function httpRouteAllowed(l: ListenerEvaluation): boolean {
  return l.supportedKinds.some((k) => (k.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && k.kind === 'HTTPRoute');
}

/**
 * Which listeners of `gateway` an HTTPRoute attaches to through `ref`. Per listener the checks
 * run as in Istio: section/port, then hostname intersection, then namespace, then route kind;
 * across listeners one success accepts the route, and NotAllowedByListeners outranks
 * NoMatchingListenerHostname.
 */
export function attachToGateway(
  route: RouteView,
  ref: ParentReference,
  gateway: GatewayView,
  routeNamespaceLabels: Record<string, string>,
): Attachment {
  const candidates = gateway.listeners.filter(
    (l) =>
      (!ref.sectionName || l.listener.name === ref.sectionName) &&
      (ref.port === undefined || l.listener.port === ref.port),
  );
  if (candidates.length === 0) {
    const message = ref.sectionName ? `sectionName "${ref.sectionName}" not found` : `port ${ref.port} not found`;
    return { accepted: false, reason: 'NoMatchingParent', message };
  }
  const attached: { name: string; hostnames: string[] }[] = [];
  const notAllowed: string[] = [];
  const noHostname: string[] = [];
  for (const l of candidates) {
    const hostnames = effectiveHostnames(l.listener.hostname, route.spec.hostnames);
    const parentHostname = l.listener.hostname ?? '*';
    if (hostnames.length === 0) {
      noHostname.push(`no hostnames matched parent hostname "${parentHostname}"`);
    } else if (!namespaceAllowed(l, gateway.namespace, route.namespace, routeNamespaceLabels)) {
      notAllowed.push(
        `hostnames matched parent hostname "${parentHostname}", but namespace "${route.namespace}" is not allowed by the parent`,
      );
    } else if (!httpRouteAllowed(l)) {
      notAllowed.push(`kind ${GATEWAY_GROUP}/v1, Kind=HTTPRoute is not allowed`);
    } else {
      attached.push({ name: l.listener.name, hostnames });
    }
  }
  if (attached.length > 0) return { accepted: true, listeners: attached };
  if (notAllowed.length > 0)
    return { accepted: false, reason: 'NotAllowedByListeners', message: [...new Set(notAllowed)].join('; ') };
  return { accepted: false, reason: 'NoMatchingListenerHostname', message: [...new Set(noHostname)].join('; ') };
}

/** Whether a ReferenceGrant in the target namespace lets HTTPRoutes of `fromNamespace` use Service `name`. */
export function referencePermitted(grants: ReferenceGrantSpec[], fromNamespace: string, serviceName: string): boolean {
  return grants.some(
    (g) =>
      (g.from ?? []).some(
        (f) => f.group === GATEWAY_GROUP && f.kind === 'HTTPRoute' && f.namespace === fromNamespace,
      ) &&
      (g.to ?? []).some((t) => (t.group ?? '') === '' && t.kind === 'Service' && (!t.name || t.name === serviceName)),
  );
}

export interface ReferenceLookup {
  serviceExists(namespace: string, name: string): boolean;
  /** ReferenceGrants living in `namespace`. */
  referenceGrants(namespace: string): ReferenceGrantSpec[];
}

/** Whether one backendRef can be used; the first problem found, in Istio's wording. */
export function resolveBackendRef(ref: BackendRef, routeNamespace: string, lookup: ReferenceLookup): RefResolution {
  const group = ref.group ?? '';
  const kind = ref.kind ?? 'Service';
  if (group !== '' || kind !== 'Service') {
    return {
      ok: false,
      reason: 'InvalidKind',
      message: `referencing unsupported backendRef: group "${group}" kind "${kind}"`,
    };
  }
  const namespace = ref.namespace ?? routeNamespace;
  if (
    namespace !== routeNamespace &&
    !referencePermitted(lookup.referenceGrants(namespace), routeNamespace, ref.name)
  ) {
    return {
      ok: false,
      reason: 'RefNotPermitted',
      message: `backendRef ${ref.name}/${namespace} not accessible to a HTTPRoute in namespace "${routeNamespace}" (missing a ReferenceGrant?)`,
    };
  }
  if (!lookup.serviceExists(namespace, ref.name)) {
    return {
      ok: false,
      reason: 'BackendNotFound',
      message: `backend(${ref.name}.${namespace}.svc.cluster.local) not found`,
    };
  }
  return { ok: true };
}

/** ResolvedRefs of a route: the first unresolvable backendRef across its rules, if any. */
export function resolveRouteRefs(route: RouteView, lookup: ReferenceLookup): RefResolution {
  for (const rule of route.spec.rules ?? []) {
    for (const ref of rule.backendRefs ?? []) {
      const r = resolveBackendRef(ref, route.namespace, lookup);
      if (!r.ok) return r;
    }
  }
  return { ok: true };
}

/** One parentRef's outcome as this controller reports it. */
export interface ParentOutcome {
  ref: ParentReference;
  attachment: Attachment;
}

/**
 * The route's status.parents after this controller's pass: entries of other controllers are kept
 * untouched and in place; ours are updated in place, added at the end, or dropped when their
 * parentRef left the spec (or is no longer ours).
 */
export function buildRouteParents(
  route: RouteView,
  existing: RouteParentStatus[] | undefined,
  outcomes: ParentOutcome[],
  refs: RefResolution,
  controllerName: string,
  now: string,
): RouteParentStatus[] {
  const ours = new Map<string, RouteParentStatus>();
  for (const o of outcomes) {
    const key = parentRefKey(o.ref, route.namespace);
    if (ours.has(key)) continue; // duplicate parentRefs: report once
    const previous = (existing ?? []).find(
      (p) => p.controllerName === controllerName && parentRefKey(p.parentRef, route.namespace) === key,
    );
    const accepted: DesiredCondition = o.attachment.accepted
      ? { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Route was valid' }
      : { type: 'Accepted', status: 'False', reason: o.attachment.reason, message: o.attachment.message };
    const resolved: DesiredCondition = refs.ok
      ? { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: 'All references resolved' }
      : { type: 'ResolvedRefs', status: 'False', reason: refs.reason, message: refs.message };
    ours.set(key, {
      // Echo the reference with its CRD defaults (group, kind), as the API server would have stored it.
      parentRef: { group: o.ref.group ?? GATEWAY_GROUP, kind: o.ref.kind ?? 'Gateway', ...o.ref },
      controllerName,
      conditions: setConditions(previous?.conditions, [accepted, resolved], route.generation, now),
    });
  }
  const out: RouteParentStatus[] = [];
  for (const p of existing ?? []) {
    if (p.controllerName !== controllerName) {
      out.push(p);
      continue;
    }
    const key = parentRefKey(p.parentRef, route.namespace);
    const next = ours.get(key);
    if (next) {
      out.push(next);
      ours.delete(key);
    }
  }
  out.push(...ours.values());
  return out;
}

import type { Condition, KubeObject } from './types.ts';

/**
 * Pure predicates over status conditions, with the semantics of the upstream Gateway API
 * conformance helpers (sigs.k8s.io/gateway-api/conformance/utils/kubernetes): a condition only
 * counts when it was written for the object's latest generation (ConditionsHaveLatestObservedGeneration).
 */

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

export interface ParentRefQuery {
  name: string;
  /** Default: the route's namespace. */
  namespace?: string;
  /** Default: gateway.networking.k8s.io. */
  group?: string;
  /** Default: Gateway. */
  kind?: string;
  sectionName?: string;
  port?: number;
}

export interface RouteParentStatus {
  parentRef: ParentRefQuery;
  controllerName: string;
  conditions?: Condition[];
}

export interface ListenerStatus {
  name: string;
  attachedRoutes?: number;
  supportedKinds?: { group?: string; kind: string }[];
  conditions?: Condition[];
}

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

function statusOf(obj: KubeObject | undefined): Record<string, unknown> {
  const status = obj?.status;
  return status && typeof status === 'object' ? (status as Record<string, unknown>) : {};
}

export function conditionsOf(obj: KubeObject | undefined): Condition[] {
  return conditionsIn(statusOf(obj).conditions);
}

/**
 * The conditions in a `conditions` field read from a cluster (an object's, a listener's, a route
 * parent's): entries without a string `type` are dropped, a value that is not a list is none.
 */
export function conditionsIn(value: unknown): Condition[] {
  if (!Array.isArray(value)) return [];
  return (value as Condition[]).filter((c) => c !== null && typeof c === 'object' && typeof c.type === 'string');
}

export interface ConditionOptions {
  /** Also require this reason. */
  reason?: string;
  /** Generation the condition must have observed (default: the object's metadata.generation). */
  generation?: number;
  /** Conditions to look in (default: the object's status.conditions); e.g. a listener's or a route parent's. */
  conditions?: readonly Condition[];
  /**
   * A condition without observedGeneration counts as stale, as upstream's FilterStaleConditions
   * has it for Gateway API status (a missing value is 0 there). Without this, status.observedGeneration
   * stands in for it (core kinds such as Deployment), and an object with neither is taken as current.
   */
  strictGeneration?: boolean;
}

/**
 * `type` has `status` (and `reason`) and was observed at the latest generation. The condition's own
 * observedGeneration is used, else status.observedGeneration (core kinds such as Deployment); an
 * object that reports neither cannot be checked for staleness and is taken as current.
 */
export function conditionHolds(
  obj: KubeObject | undefined,
  type: string,
  status = 'True',
  opts: ConditionOptions = {},
): boolean {
  if (!obj) return false;
  const condition = findCondition(opts.conditions ?? conditionsOf(obj), type);
  if (!condition || condition.status !== status) return false;
  if (opts.reason !== undefined && condition.reason !== opts.reason) return false;
  const want = opts.generation ?? obj.metadata.generation;
  const observed =
    condition.observedGeneration ?? (opts.strictGeneration ? 0 : numberOr(statusOf(obj).observedGeneration));
  if (want !== undefined && observed !== undefined && observed < want) return false;
  return true;
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** Conditions whose observedGeneration is older than the object's generation (what upstream calls stale). */
export function staleConditions(obj: KubeObject, conditions: readonly Condition[] = conditionsOf(obj)): Condition[] {
  const want = obj.metadata.generation;
  if (want === undefined) return [];
  return conditions.filter((c) => c.observedGeneration !== undefined && c.observedGeneration < want);
}

/** status.listeners[] entry of a Gateway by listener name. */
export function gatewayListenerStatus(gw: KubeObject | undefined, listenerName: string): ListenerStatus | undefined {
  const listeners = statusOf(gw).listeners;
  if (!Array.isArray(listeners)) return undefined;
  return (listeners as ListenerStatus[]).find((l) => l.name === listenerName);
}

/** A parentRef with the API's defaults applied, relative to the route's namespace. */
export function normalizeParentRef(
  ref: ParentRefQuery,
  routeNamespace: string | undefined,
): Required<Pick<ParentRefQuery, 'group' | 'kind' | 'name'>> & ParentRefQuery {
  return {
    group: ref.group || GATEWAY_GROUP,
    kind: ref.kind || 'Gateway',
    namespace: ref.namespace || routeNamespace,
    name: ref.name,
    sectionName: ref.sectionName || undefined,
    port: ref.port ?? undefined,
  };
}

export function sameParentRef(a: ParentRefQuery, b: ParentRefQuery, routeNamespace: string | undefined): boolean {
  const x = normalizeParentRef(a, routeNamespace);
  const y = normalizeParentRef(b, routeNamespace);
  return (
    x.group === y.group &&
    x.kind === y.kind &&
    x.namespace === y.namespace &&
    x.name === y.name &&
    x.sectionName === y.sectionName &&
    x.port === y.port
  );
}

/**
 * The status.parents[] entry a given controller wrote for a given parentRef. A route may list the
 * same parent for several controllers; only the one for `controllerName` counts.
 */
export function routeParentStatus(
  route: KubeObject | undefined,
  query: { controllerName: string; parentRef: ParentRefQuery },
): RouteParentStatus | undefined {
  const parents = statusOf(route).parents;
  if (!route || !Array.isArray(parents)) return undefined;
  return (parents as RouteParentStatus[]).find(
    (p) =>
      p.controllerName === query.controllerName &&
      p.parentRef !== undefined &&
      sameParentRef(p.parentRef, query.parentRef, route.metadata.namespace),
  );
}

/**
 * Conditions whose healthy status is False (negative polarity in Gateway API's apis/v1
 * gateway_types.go: ListenerConditionConflicted, ListenerConditionOverlappingTLSConfig; Detached
 * from releases before v1); every other type is healthy when True.
 */
const HEALTHY_WHEN_FALSE = new Set(['Conflicted', 'Detached', 'OverlappingTLSConfig']);

/** Whether a condition reports good news: True, or False for a negative-polarity type. */
export function isHealthyCondition(c: Condition): boolean {
  return HEALTHY_WHEN_FALSE.has(c.type) ? c.status === 'False' : c.status === 'True';
}

export interface DescribeConditionOptions {
  /** Reason and message also for a True condition (default: only for the others, what a reader needs). */
  detailWhenTrue?: boolean;
  /** Append `[observedGeneration N]` when the condition carries one. */
  observedGeneration?: boolean;
}

/** `Programmed=False (AddressNotAssigned: no address)`; see DescribeConditionOptions for more. */
export function describeCondition(c: Condition, opts: DescribeConditionOptions = {}): string {
  const base = `${c.type}=${c.status}`;
  const detail = c.status !== 'True' || opts.detailWhenTrue ? [c.reason, c.message].filter(Boolean).join(': ') : '';
  const generation =
    opts.observedGeneration && c.observedGeneration !== undefined
      ? ` [observedGeneration ${c.observedGeneration}]`
      : '';
  return `${base}${detail ? ` (${detail})` : ''}${generation}`;
}

/** "Accepted=True, Programmed=False (AddressNotAssigned: no address)"; "no conditions" when empty. */
export function describeConditions(conditions: readonly Condition[] | undefined): string {
  if (!conditions || conditions.length === 0) return 'no conditions';
  return conditions.map((c) => describeCondition(c)).join(', ');
}

/**
 * The description of an object for wait messages: its conditions (default status.conditions; or
 * e.g. a listener's or a route parent's), flagging those written for an older generation.
 */
export function describeObject(
  obj: KubeObject | undefined,
  conditions: readonly Condition[] = conditionsOf(obj),
): string {
  if (!obj) return 'not found';
  const text = describeConditions(conditions);
  const stale = staleConditions(obj, conditions);
  if (stale.length === 0) return text;
  return `${text} ${staleNote(stale, obj.metadata.generation)}`;
}

/** `[stale: Accepted observed generation 1; current generation 2]` */
function staleNote(stale: readonly Condition[], generation: number | undefined): string {
  const observed = stale.map((c) => `${c.type} observed generation ${c.observedGeneration}`).join(', ');
  return `[stale: ${observed}; current generation ${generation}]`;
}

/** A condition a check expects: `Accepted=False (NotAllowedByListeners)`; the reason only when given. */
export interface ExpectedCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
}

/** Every expected condition holds, each by conditionHolds with its own status and reason. */
export function conditionsHold(
  obj: KubeObject | undefined,
  expected: readonly ExpectedCondition[],
  opts: Omit<ConditionOptions, 'reason'> = {},
): boolean {
  return expected.every((e) => conditionHolds(obj, e.type, e.status, { ...opts, reason: e.reason }));
}

/** "Accepted=True and ResolvedRefs=False (BackendNotFound)" for wait messages. */
export function describeExpected(expected: readonly ExpectedCondition[]): string {
  return expected.map((e) => `${e.type}=${e.status}${e.reason ? ` (${e.reason})` : ''}`).join(' and ');
}

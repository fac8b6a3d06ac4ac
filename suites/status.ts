import { conditionsHold, describeExpected, describeObject, routeParentStatus } from '../harness/kube/conditions.ts';
import type { ExpectedCondition, ParentRefQuery } from '../harness/kube/conditions.ts';
import { describeRef, type KubeObject, type ObjectRef } from '../harness/kube/types.ts';
import { cluster, GATEWAY_API, waitFor } from './context.ts';

/**
 * Waits on Gateway API status as the suites assert it: a condition counts only when it was
 * written for the object's latest generation, and one without observedGeneration counts as stale
 * (upstream conformance/utils/kubernetes: ConditionsHaveLatestObservedGeneration).
 */

export const latestGeneration = { strictGeneration: true } as const;

/** `Gateway ns/name/section` of a route's parentRef (namespace defaulted to the route's). */
export function describeParent(parent: ParentRefQuery, routeNamespace: string | undefined): string {
  const ref = describeRef({
    apiVersion: GATEWAY_API,
    kind: parent.kind ?? 'Gateway',
    namespace: parent.namespace ?? routeNamespace,
    name: parent.name,
  });
  return parent.sectionName ? `${ref}/${parent.sectionName}` : ref;
}

/**
 * Wait until the route's status for `parent`, written by the profile's controller, has every
 * expected condition at the route's latest generation. On timeout the error names the route, the
 * parent, the expected conditions and what was last seen (with reasons).
 */
export function waitForRouteParent(
  route: ObjectRef,
  parent: ParentRefQuery,
  expected: readonly ExpectedCondition[],
): Promise<KubeObject> {
  const { profile, timeouts } = cluster();
  const controllerName = profile.controllerName;
  const parentName = describeParent(parent, route.namespace);
  const conditionsOf = (obj: KubeObject | undefined) =>
    routeParentStatus(obj, { controllerName, parentRef: parent })?.conditions;
  return waitFor(
    route,
    (obj) => {
      const conditions = conditionsOf(obj);
      return !!conditions && conditionsHold(obj, expected, { ...latestGeneration, conditions });
    },
    {
      timeoutMs: timeouts.routeMs,
      what: `${describeExpected(expected)} from ${controllerName} for parent ${parentName} at its latest generation`,
      describe: (obj) => {
        if (!obj) return 'not found';
        const conditions = conditionsOf(obj);
        return conditions
          ? `parent ${parentName}: ${describeObject(obj, conditions)}`
          : `no status for parent ${parentName} from ${controllerName}`;
      },
    },
  );
}

import { conditionsIn, describeCondition, isHealthyCondition } from '../../kube/conditions.ts';
import { describeRef, refOf, type Condition, type KubeObject } from '../../kube/types.ts';

/**
 * `status.txt`: every condition of Gateway API objects, readable, marked ✓ or ✗, with reason,
 * message and observedGeneration even when healthy (a reader comparing generations needs them).
 */

/** Conditions in the bundle are described in full. */
export const FULL_CONDITION = { detailWhenTrue: true, observedGeneration: true } as const;

export interface ConditionLine {
  /** `HTTPRoute apps/httpbin-route` */
  object: string;
  /** The part of the object the condition belongs to (a listener, a route parent); '' for the object itself. */
  where: string;
  condition: Condition;
}

interface GatewayApiStatus {
  conditions?: unknown;
  listeners?: { name?: string; conditions?: unknown; attachedRoutes?: number }[];
  parents?: {
    parentRef?: { name?: string; namespace?: string; sectionName?: string };
    controllerName?: string;
    conditions?: unknown;
  }[];
}

/** Every condition of Gateway API objects: the object, the part (listener, parent), the condition. */
export function conditionLines(obj: KubeObject): ConditionLine[] {
  const status = (obj.status ?? {}) as GatewayApiStatus;
  const object = describeRef(refOf(obj));
  const lines: ConditionLine[] = conditionsIn(status.conditions).map((condition) => ({ object, where: '', condition }));
  for (const l of status.listeners ?? []) {
    const where = `listener ${l.name} (attachedRoutes ${l.attachedRoutes ?? '?'})`;
    for (const condition of conditionsIn(l.conditions)) lines.push({ object, where, condition });
  }
  for (const p of status.parents ?? []) {
    const ref = p.parentRef ?? {};
    const parent = `${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}${ref.sectionName ? `#${ref.sectionName}` : ''}`;
    const where = `parent ${parent} (${p.controllerName ?? 'no controller'})`;
    for (const condition of conditionsIn(p.conditions)) lines.push({ object, where, condition });
  }
  return lines;
}

/** The conditions of each object, grouped by the part they belong to. */
export function statusText(objects: KubeObject[]): string {
  const out: string[] = [];
  for (const obj of objects) {
    const lines = conditionLines(obj);
    const generation = obj.metadata.generation !== undefined ? ` (generation ${obj.metadata.generation})` : '';
    out.push(`${describeRef(refOf(obj))}${generation}`);
    if (lines.length === 0) out.push('  no status conditions');
    let where: string | undefined;
    for (const l of lines) {
      if (l.where !== where) {
        where = l.where;
        if (where) out.push(`  ${where}`);
      }
      const mark = isHealthyCondition(l.condition) ? '✓' : '✗';
      out.push(`${where ? '    ' : '  '}${mark} ${describeCondition(l.condition, FULL_CONDITION)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

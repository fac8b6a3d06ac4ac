import type { Condition } from '../../../kube/types.ts';
import { nowTimestamp } from '../timestamps.ts';

/** A condition as a controller decides it; observedGeneration and time are filled in on write. */
export interface DesiredCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

/**
 * Merge desired conditions into existing ones as apimachinery's meta.SetStatusCondition does:
 * lastTransitionTime changes only when a condition's status changes; reason, message and
 * observedGeneration are always refreshed; conditions of other types are kept; new ones are
 * appended in the order given.
 */
export function setConditions(
  existing: Condition[] | undefined,
  desired: DesiredCondition[],
  generation: number,
  now: string = nowTimestamp(),
): Condition[] {
  const out = (existing ?? []).map((c) => ({ ...c }));
  for (const d of desired) {
    const current = out.find((c) => c.type === d.type);
    const next: Condition = {
      type: d.type,
      status: d.status,
      reason: d.reason,
      message: d.message,
      observedGeneration: generation,
      lastTransitionTime: current && current.status === d.status ? current.lastTransitionTime : now,
    };
    if (current) out[out.indexOf(current)] = next;
    else out.push(next);
  }
  return out;
}

/** "a", "a and b", "a, b, and c" — as Istio joins service names in Gateway messages. */
export function humanReadableJoin(items: string[]): string {
  if (items.length <= 1) return items.join('');
  if (items.length === 2) return `${items[0]} and ${items[1]}`;
  return `${items.slice(0, -1).join(', ')}, and ${items[items.length - 1]}`;
}

import { describeConditions, findCondition } from '../harness/kube/conditions.ts';
import type { KubeObject } from '../harness/kube/types.ts';

type Condition = { type: string; status: string; reason?: string; message?: string; observedGeneration?: number };

/**
 * True when every condition in `types` has status True, observed at `generation` or later
 * (upstream conformance checks conditions "at the latest observedGeneration").
 */
export function allTrueAt(
  conditions: Condition[] | undefined,
  types: string[],
  generation: number | undefined,
): boolean {
  return types.every((type) => {
    const c = findCondition(conditions ?? [], type) as Condition | undefined;
    return c?.status === 'True' && (generation === undefined || (c.observedGeneration ?? 0) >= generation);
  });
}

/** "generation 2; Accepted=True, Programmed=False (AddressNotAssigned: …)" for timeout messages. */
export function describeAt(conditions: Condition[] | undefined, obj: KubeObject | undefined): string {
  if (!obj) return 'not found';
  const observed = (conditions ?? []).map((c) => c.observedGeneration).filter((g) => g !== undefined);
  const stale = observed.some((g) => g! < (obj.metadata.generation ?? 0));
  const text = conditions?.length ? describeConditions(conditions as never) : 'no conditions yet';
  return stale ? `${text} (observedGeneration behind generation ${obj.metadata.generation})` : text;
}

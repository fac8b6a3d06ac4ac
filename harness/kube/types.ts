/**
 * The object shape every kube helper speaks: plain JSON as the API server sends it (the sim
 * store's type, so the simulated and the real cluster share one vocabulary).
 */
export type { KubeObject, ObjectMeta } from '../sim/store.ts';
import type { KubeObject } from '../sim/store.ts';

/** Which object: enough to build its URL. `namespace` is ignored for cluster-scoped kinds. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** A metav1.Condition as found in `status.conditions`. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown' | string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

/** `Gateway default/web`, `GatewayClass istio` (cluster-scoped: no namespace). */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

export function refOf(obj: KubeObject): ObjectRef {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
  };
}

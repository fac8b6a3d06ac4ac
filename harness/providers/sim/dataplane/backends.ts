import type { HTTPRouteFilter } from '../../../kube/gateway-api.ts';
import { CLUSTER_NOT_FOUND, INVALID_BACKEND, type LocalReply, NO_HEALTHY_UPSTREAM } from './local-replies.ts';
import type { DataPlaneRule, ReadyService, ResolvedService, ServiceTarget } from './route-table.ts';

/** Weighted choice; weight 0 never receives traffic; undefined when nothing can be chosen. */
export function pickWeighted<T extends { weight: number }>(
  items: T[],
  random: () => number = Math.random,
): T | undefined {
  const total = items.reduce((sum, i) => sum + Math.max(0, i.weight), 0);
  if (total <= 0) return undefined;
  let point = random() * total;
  for (const item of items) {
    if (item.weight <= 0) continue;
    point -= item.weight;
    if (point < 0) return item;
  }
  return items.filter((i) => i.weight > 0).at(-1);
}

/** The backend a request goes to and where it is now, or the reply the proxy gives itself. */
export type BackendChoice = UpstreamChoice | { kind: 'local'; reply: LocalReply };

export interface UpstreamChoice {
  kind: 'upstream';
  target: ServiceTarget;
  /** The chosen backendRef's own filters. */
  filters: HTTPRouteFilter[];
  service: ReadyService;
}

/**
 * Pick a backend by weight and resolve its Service: no usable backendRef is a 500 (the spec
 * requires it), an unknown Service 500 (Envoy: no cluster), a Service without ready endpoints 503.
 */
export function chooseBackend(
  rule: DataPlaneRule,
  random: () => number,
  resolve: (namespace: string, service: string) => ResolvedService,
): BackendChoice {
  const backend = pickWeighted(rule.backends, random);
  if (!backend || backend.target.kind === 'invalid') return { kind: 'local', reply: INVALID_BACKEND };
  const service = resolve(backend.target.namespace, backend.target.name);
  if (service.status === 'missing') return { kind: 'local', reply: CLUSTER_NOT_FOUND };
  if (service.status === 'no-endpoints') return { kind: 'local', reply: NO_HEALTHY_UPSTREAM };
  return { kind: 'upstream', target: backend.target, filters: backend.filters ?? [], service };
}

import type { ProviderName, Timeouts } from '../config/options.ts';
import type { Endpoint } from '../providers/types.ts';
import { describeRef } from '../kube/types.ts';

/**
 * What the suites get from the run: plain data (it crosses into vitest workers), never a provider.
 * Endpoints are resolved by the provider before the suites start; a listener that could not be
 * reached carries the reason instead, so the suites fail with it rather than the setup.
 */
export interface ClusterHandle {
  provider: ProviderName;
  kubeconfigPath: string;
  /** Kube context (existing provider); undefined = the file's current context. */
  context?: string;
  profile: {
    name: string;
    gatewayClassName: string;
    controllerName: string;
    /** RegExp source and flags of the expected `server` header. */
    serverHeader: { source: string; flags: string };
  };
  hostname: string;
  namespaces: string[];
  gateways: { namespace: string; name: string; listeners: string[] }[];
  routes: RouteInfo[];
  endpoints: Record<string, Endpoint | { error: string }>;
  timeouts: Timeouts;
}

export function endpointKey(namespace: string, name: string, listener: string): string {
  return `${namespace}/${name}/${listener}`;
}

export interface ParentInfo {
  namespace: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface RouteInfo {
  namespace: string;
  name: string;
  kind: string;
  hostnames: string[];
  /** Gateway parents only, namespace defaulted to the route's. */
  parents: ParentInfo[];
}

/** The fixtures' routes as check records name them (`HTTPRoute ns/name`), with their names. */
export function fixtureRouteSubjects(handle: Pick<ClusterHandle, 'routes'>): { subject: string; name: string }[] {
  return handle.routes.map((r) => ({ subject: describeRef(r), name: r.name }));
}

import { inject, TestRunner } from 'vitest';
import type { CheckRecord } from '../harness/convergence.ts';
import { Kube } from '../harness/kube/client.ts';
import type { KubeObject, ObjectRef, WaitOptions } from '../harness/kube/client.ts';
import type { ClusterHandle, ParentInfo, RouteInfo } from '../harness/run/handle.ts';
import { endpointKey } from '../harness/run/handle.ts';
import type { Endpoint } from '../harness/providers/types.ts';
import { expectEventually, type ExpectOptions, type ProbeRequest, type ProbeResponse } from '../harness/probe/http.ts';
import type { Check } from '../harness/probe/checks.ts';
import './check-meta.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kindgate: ClusterHandle;
  }
}

/**
 * What every suite gets from the run: the cluster handle, a Kubernetes client, where to send
 * requests and how long to keep sending them.
 */

/** The cluster the run provisioned (from global setup or `kindgate test`). */
export function cluster(): ClusterHandle {
  const handle = inject('kindgate');
  if (!handle)
    throw new Error('No cluster handle: run the suites through `kindgate test` or the vitest `sim` project.');
  return handle;
}

let kubeClient: Kube | undefined;
export function kube(): Kube {
  kubeClient ??= Kube.fromFile(cluster().kubeconfigPath, cluster().context);
  return kubeClient;
}

export function serverHeaderPattern(): RegExp {
  const { source, flags } = cluster().profile.serverHeader;
  return new RegExp(source, flags);
}

export const GATEWAY_API = 'gateway.networking.k8s.io/v1';

export function gatewayRef(gw: { namespace: string; name: string }): ObjectRef {
  return { apiVersion: GATEWAY_API, kind: 'Gateway', namespace: gw.namespace, name: gw.name };
}

export function routeRef(route: RouteInfo): ObjectRef {
  return { apiVersion: GATEWAY_API, kind: route.kind, namespace: route.namespace, name: route.name };
}

/** Does `parent` name listener `listener` of Gateway `gw` (no sectionName = every listener)? */
export function parentTargets(parent: ParentInfo, gw: { namespace: string; name: string }, listener: string): boolean {
  return (
    parent.namespace === gw.namespace &&
    parent.name === gw.name &&
    (parent.sectionName === undefined || parent.sectionName === listener)
  );
}

/** The HTTPRoute the routing suites send traffic through: the first one with a Gateway parent. */
export function primaryRoute(): { route: RouteInfo; gateway: { namespace: string; name: string }; listener: string } {
  const handle = cluster();
  for (const route of handle.routes.filter((r) => r.kind === 'HTTPRoute')) {
    for (const parent of route.parents) {
      const gw = handle.gateways.find((g) => g.namespace === parent.namespace && g.name === parent.name);
      if (!gw) continue;
      const listener = parent.sectionName ?? gw.listeners[0];
      return { route, gateway: gw, listener };
    }
  }
  throw new Error('The fixtures have no HTTPRoute attached to one of their Gateways; the routing suites need one.');
}

/** Where to send requests for a listener; throws the provider's reason when it could not be reached. */
export function endpointFor(gw: { namespace: string; name: string }, listener: string): Endpoint {
  const found = cluster().endpoints[endpointKey(gw.namespace, gw.name, listener)];
  if (!found)
    throw new Error(`No endpoint was resolved for listener ${listener} of Gateway ${gw.namespace}/${gw.name}.`);
  if ('error' in found) throw new Error(found.error);
  return found;
}

/** The Host the suites send: the route's first hostname, else the configured one. */
export function hostFor(route: RouteInfo): string {
  const hostname = route.hostnames[0] ?? cluster().hostname;
  // A wildcard hostname (`*.example.com`) is matched by a concrete name under it.
  return hostname.startsWith('*.') ? `kindgate${hostname.slice(1)}` : hostname;
}

/**
 * A request through the fixtures' Gateway listener of the primary route: with the route's Host
 * unless another is given (the troubleshooting cases send their own hostnames).
 */
export function request(path: string, opts: { host?: string; headers?: Record<string, string> } = {}): ProbeRequest {
  const { route, gateway, listener } = primaryRoute();
  return {
    endpoint: endpointFor(gateway, listener),
    path,
    host: opts.host ?? hostFor(route),
    ...(opts.headers ? { headers: opts.headers } : {}),
    timeoutMs: cluster().timeouts.requestMs,
  };
}

/**
 * The consistency window every HTTP expectation of the suites uses: `consecutive` matching answers
 * in a row within `consistencyMs` (3 within 30 s unless the run says otherwise, as upstream).
 */
export function consistencyWindow(): ExpectOptions {
  const { consecutive, consistencyMs } = cluster().timeouts;
  return { consecutive, timeoutMs: consistencyMs };
}

/**
 * Where the checks of the test that is running now are recorded (its task meta, read by the run's
 * reports). Taken when a check starts, so the record lands on the test that made it.
 */
function recordInCurrentTest(): ((record: CheckRecord) => void) | undefined {
  const test = TestRunner.getCurrentTest();
  if (!test) return undefined;
  return (record) => (test.meta.kindgateChecks ??= []).push(record);
}

/** The listener (`ns/gateway/listener`) whose endpoint a request goes to, when it is one of the run's. */
function listenerOf(req: ProbeRequest): string | undefined {
  const { host, port } = req.endpoint;
  return Object.entries(cluster().endpoints).find(([, e]) => 'host' in e && e.host === host && e.port === port)?.[0];
}

/** Send `req` until `check` holds for the whole consistency window's streak; the check is recorded. */
export function eventually(req: ProbeRequest, check: Check): Promise<ProbeResponse> {
  const record = recordInCurrentTest();
  const via = listenerOf(req);
  return expectEventually(req, check, {
    ...consistencyWindow(),
    onRecord: record && ((r) => record(via ? { ...r, via } : r)),
  });
}

/** Wait (watch-based) until `predicate` holds for the object; the wait is recorded as a check of the test. */
export function waitFor(
  ref: ObjectRef,
  predicate: (obj: KubeObject | undefined) => boolean,
  opts: WaitOptions,
): Promise<KubeObject> {
  return kube().waitFor(ref, predicate, { ...opts, onRecord: recordInCurrentTest() });
}

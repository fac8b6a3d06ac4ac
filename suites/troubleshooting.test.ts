import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe } from 'vitest';
import { defineCase } from './case.ts';
import type { ExpectedCondition, ParentRefQuery } from '../harness/kube/conditions.ts';
import { refOf, type KubeObject, type ObjectRef } from '../harness/kube/types.ts';
import { expectStatus } from '../harness/probe/checks.ts';
import { sendRequest, type ProbeRequest, type ProbeResponse } from '../harness/probe/http.ts';
import {
  GATEWAY_API,
  cluster,
  eventually,
  gatewayRef,
  kube,
  parentTargets,
  primaryRoute,
  request,
  routeRef,
} from './context.ts';
import { servedBy } from './httpbin.ts';
import { waitForRouteParent } from './status.ts';

/**
 * The troubleshooting section's cases, beyond the tutorial. Every test brings its own objects
 * (named kg-ts-…, removed when its block ends) and sends traffic only through the fixtures'
 * Gateway with its own hostnames, so the shared fixtures stay as they are for the other suites.
 * Status expectations are those of the matching upstream conformance tests (see the catalog).
 */

const handle = cluster();
const suffix = randomBytes(3).toString('hex');
const nameFor = (what: string) => `kg-ts-${what}-${suffix}`;
const hostFor = (what: string) => `${nameFor(what)}.example.com`;
/** A namespace of our own: "another namespace" for the cross-namespace cases. */
const otherNamespace = `kg-ts-${suffix}`;

// -- objects -----------------------------------------------------------------------------------

interface Backend {
  name: string;
  namespace: string;
  port?: number;
}

interface BackendRefSpec {
  name: string;
  namespace?: string;
  port?: number;
  weight?: number;
}

interface RuleSpec {
  matches?: { headers?: { name: string; value: string }[] }[];
  backendRefs?: BackendRefSpec[];
}

/** The fixtures' Gateway listener our routes attach to (the one the routing suites use). */
function fixtureParent(): ParentRefQuery & { namespace: string } {
  const { gateway, listener } = primaryRoute();
  return { name: gateway.name, namespace: gateway.namespace, sectionName: listener };
}

function backendRef(backend: Backend, weight?: number): BackendRefSpec {
  return {
    name: backend.name,
    namespace: backend.namespace,
    port: backend.port,
    ...(weight === undefined ? {} : { weight }),
  };
}

function httpRoute(opts: {
  name: string;
  namespace: string;
  hostnames: string[];
  parentRefs: ParentRefQuery[];
  backendRefs: BackendRefSpec[];
}): KubeObject {
  return {
    apiVersion: GATEWAY_API,
    kind: 'HTTPRoute',
    metadata: { name: opts.name, namespace: opts.namespace },
    spec: {
      parentRefs: opts.parentRefs,
      hostnames: opts.hostnames,
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: opts.backendRefs }],
    },
  };
}

/**
 * httpbin v1 and v2 as the fixtures' route uses them: v2 behind the `x-version: v2` rule, v1
 * behind the rule without header matches (the contract the header-routing suite checks).
 */
async function fixtureBackends(): Promise<{ v1: Backend; v2: Backend }> {
  const { route } = primaryRoute();
  const obj = await kube().get(routeRef(route));
  const rules = ((obj?.spec ?? {}) as { rules?: RuleSpec[] }).rules ?? [];
  const hasHeaders = (r: RuleSpec) => (r.matches ?? []).some((m) => (m.headers ?? []).length > 0);
  const v2Rule = rules.find((r) =>
    (r.matches ?? []).some((m) =>
      (m.headers ?? []).some((h) => h.name.toLowerCase() === 'x-version' && h.value === 'v2'),
    ),
  );
  const v1Rule = rules.find((r) => r !== v2Rule && !hasHeaders(r));
  const first = (r: RuleSpec | undefined) => r?.backendRefs?.[0];
  const [v1, v2] = [first(v1Rule), first(v2Rule)];
  if (!v1 || !v2) {
    throw new Error(
      `HTTPRoute ${route.namespace}/${route.name} has no backend behind an "x-version: v2" rule and one behind a rule without header matches; the troubleshooting suite takes httpbin v1 and v2 from those rules, so keep them in custom fixtures.`,
    );
  }
  const backend = (ref: BackendRefSpec) => ({
    name: ref.name,
    namespace: ref.namespace ?? route.namespace,
    port: ref.port,
  });
  return { v1: backend(v1), v2: backend(v2) };
}

/** Apply objects for the enclosing describe block; they are deleted, newest first, when it ends. */
function scopedObjects(): (objects: KubeObject[]) => Promise<KubeObject[]> {
  const refs: ObjectRef[] = [];
  afterAll(async () => {
    const results = await Promise.allSettled(refs.reverse().map((ref) => kube().delete(ref)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  });
  return async (objects) => {
    const applied = await kube().apply(objects);
    for (const obj of applied) {
      const ref = refOf(obj);
      if (!refs.some((r) => r.kind === ref.kind && r.namespace === ref.namespace && r.name === ref.name))
        refs.push(ref);
    }
    return applied;
  };
}

// -- status ------------------------------------------------------------------------------------

function waitForParent(route: KubeObject, parent: ParentRefQuery, expected: ExpectedCondition[]): Promise<KubeObject> {
  return waitForRouteParent(refOf(route), parent, expected);
}

// -- traffic -----------------------------------------------------------------------------------

/** HTTPBIN_ENV_VERSION of an httpbin /env answer, or why there is none. */
function envVersion(res: ProbeResponse): { version?: string; problem?: string } {
  if (res.status !== 200) return { problem: `status ${res.status}` };
  try {
    const version = (res.json() as { env?: Record<string, string> } | undefined)?.env?.HTTPBIN_ENV_VERSION;
    return version === undefined ? { problem: 'no HTTPBIN_ENV_VERSION in /env' } : { version };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

/** Send `n` requests one after another; count who answered ("v1", "v2", or "status 503"…). */
async function sample(req: ProbeRequest, n: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const { version, problem } = envVersion(await sendRequest(req));
    const key = version ?? problem!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

const showCounts = (counts: Map<string, number>) => [...counts].map(([k, n]) => `${k}: ${n}`).join(', ') || 'nothing';

// -- the cases ---------------------------------------------------------------------------------

describe('troubleshooting', () => {
  let backends: { v1: Backend; v2: Backend };

  beforeAll(async () => {
    backends = await fixtureBackends();
    await kube().apply([
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: otherNamespace, labels: { 'app.kubernetes.io/managed-by': 'kindgate' } },
      },
    ]);
  });
  afterAll(async () => {
    await kube().delete({ apiVersion: 'v1', kind: 'Namespace', name: otherNamespace });
  });

  describe('route from a namespace the listener does not allow', () => {
    const apply = scopedObjects();

    defineCase(
      {
        id: 'tsNotAllowedByListeners',
        title: 'a route from a namespace the listener does not allow is not Accepted (NotAllowedByListeners)',
        upstream: 'HTTPRouteInvalidCrossNamespaceParentRef',
      },
      async () => {
        // Our own Gateway (its listener admits routes of its own namespace only), on the fixtures' port.
        const fixtureGateway = await kube().get(gatewayRef(fixtureParent()));
        const fixtureListener = (
          (fixtureGateway?.spec ?? {}) as { listeners?: { name: string; port: number }[] }
        ).listeners?.find((l) => l.name === fixtureParent().sectionName);
        const gateway = {
          apiVersion: GATEWAY_API,
          kind: 'Gateway',
          metadata: { name: nameFor('same-ns'), namespace: otherNamespace },
          spec: {
            gatewayClassName: handle.profile.gatewayClassName,
            listeners: [
              {
                name: 'http',
                protocol: 'HTTP',
                port: fixtureListener?.port ?? 80,
                allowedRoutes: { namespaces: { from: 'Same' } },
              },
            ],
          },
        };
        const parent = { name: gateway.metadata.name, namespace: otherNamespace };
        const [, route] = await apply([
          gateway,
          httpRoute({
            name: nameFor('not-allowed'),
            namespace: backends.v1.namespace,
            hostnames: [hostFor('not-allowed')],
            parentRefs: [parent],
            backendRefs: [backendRef(backends.v1)],
          }),
        ]);
        await waitForParent(route, parent, [{ type: 'Accepted', status: 'False', reason: 'NotAllowedByListeners' }]);
      },
    );
  });

  describe('parentRef to a listener that does not exist', () => {
    const apply = scopedObjects();

    defineCase(
      {
        id: 'tsNoMatchingParent',
        title: 'a parentRef to a listener the Gateway does not have is not Accepted (NoMatchingParent)',
        upstream: 'HTTPRouteInvalidParentRefNotMatchingSectionName',
      },
      async () => {
        const parent = { ...fixtureParent(), sectionName: nameFor('missing') };
        const [route] = await apply([
          httpRoute({
            name: nameFor('no-parent'),
            namespace: backends.v1.namespace,
            hostnames: [hostFor('no-parent')],
            parentRefs: [parent],
            backendRefs: [backendRef(backends.v1)],
          }),
        ]);
        await waitForParent(route, parent, [{ type: 'Accepted', status: 'False', reason: 'NoMatchingParent' }]);
      },
    );
  });

  describe('backend Service that does not exist', () => {
    const apply = scopedObjects();
    const host = hostFor('no-backend');

    defineCase(
      {
        id: 'tsBackendNotFound',
        title: 'a route to a missing Service has ResolvedRefs=False (BackendNotFound)',
        upstream: 'HTTPRouteInvalidNonExistentBackendRef',
      },
      async () => {
        const [route] = await apply([
          httpRoute({
            name: nameFor('no-backend'),
            namespace: backends.v1.namespace,
            hostnames: [host],
            parentRefs: [fixtureParent()],
            backendRefs: [{ name: nameFor('missing'), port: backends.v1.port ?? 80 }],
          }),
        ]);
        await waitForParent(route, fixtureParent(), [
          { type: 'Accepted', status: 'True' },
          { type: 'ResolvedRefs', status: 'False', reason: 'BackendNotFound' },
        ]);
      },
    );

    defineCase(
      {
        id: 'tsBackendNotFound500',
        title: 'requests to a missing Service get 500',
        upstream: 'HTTPRouteInvalidNonExistentBackendRef',
      },
      async () => {
        await eventually(request('/', { host }), expectStatus(500));
      },
    );
  });

  describe('Host that no route matches', () => {
    defineCase(
      { id: 'tsUnknownHost', title: 'a Host no route matches gets 404', upstream: 'HTTPRouteHostnameIntersection' },
      async (ctx) => {
        const { gateway, listener } = primaryRoute();
        const catchAll = handle.routes.find(
          (r) => r.hostnames.length === 0 && r.parents.some((p) => parentTargets(p, gateway, listener)),
        );
        if (catchAll)
          ctx.skip(
            `${catchAll.kind} ${catchAll.namespace}/${catchAll.name} has no hostnames, so every Host matches it`,
          );
        // .invalid (RFC 2606) cannot match any configured hostname, wildcards included.
        await eventually(request('/headers', { host: `${nameFor('unknown')}.invalid` }), expectStatus(404));
      },
    );
  });

  describe('backend in another namespace', () => {
    const apply = scopedObjects();
    const host = hostFor('cross-ns');
    let route: KubeObject;

    beforeAll(async () => {
      // The route lives in our namespace; httpbin v1 stays in the fixtures' namespace.
      [route] = await apply([
        httpRoute({
          name: nameFor('cross-ns'),
          namespace: otherNamespace,
          hostnames: [host],
          parentRefs: [fixtureParent()],
          backendRefs: [backendRef(backends.v1)],
        }),
      ]);
    });

    defineCase(
      {
        id: 'tsRefNotPermitted',
        title:
          'a backend in another namespace without a ReferenceGrant has ResolvedRefs=False (RefNotPermitted) and gets 500',
        upstream: 'HTTPRouteInvalidCrossNamespaceBackendRef',
      },
      async () => {
        await waitForParent(route, fixtureParent(), [
          { type: 'Accepted', status: 'True' },
          { type: 'ResolvedRefs', status: 'False', reason: 'RefNotPermitted' },
        ]);
        await eventually(request('/', { host }), expectStatus(500));
      },
    );

    defineCase(
      {
        id: 'tsReferenceGrant',
        title: 'with a ReferenceGrant the backend in another namespace resolves and answers',
        upstream: 'HTTPRouteReferenceGrant',
      },
      async () => {
        await apply([
          {
            // v1beta1: served by every Gateway API release with ReferenceGrant (the storage version in v1.6.1).
            apiVersion: 'gateway.networking.k8s.io/v1beta1',
            kind: 'ReferenceGrant',
            metadata: { name: nameFor('grant'), namespace: backends.v1.namespace },
            spec: {
              from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: otherNamespace }],
              to: [{ group: '', kind: 'Service', name: backends.v1.name }],
            },
          },
        ]);
        await waitForParent(route, fixtureParent(), [
          { type: 'Accepted', status: 'True' },
          { type: 'ResolvedRefs', status: 'True' },
        ]);
        await eventually(request('/env', { host }), servedBy('v1'));
      },
    );
  });

  describe('observedGeneration after an update', () => {
    const apply = scopedObjects();

    defineCase(
      {
        id: 'tsObservedGeneration',
        title: "a route's conditions observe its new generation after a spec update",
        upstream: 'HTTPRouteObservedGenerationBump',
      },
      async () => {
        const spec = {
          name: nameFor('generation'),
          namespace: backends.v1.namespace,
          parentRefs: [fixtureParent()],
          backendRefs: [backendRef(backends.v1)],
        };
        const [original] = await apply([httpRoute({ ...spec, hostnames: [hostFor('generation')] })]);
        const accepted: ExpectedCondition[] = [
          { type: 'Accepted', status: 'True' },
          { type: 'ResolvedRefs', status: 'True' },
        ];
        await waitForParent(original, fixtureParent(), accepted);

        const [updated] = await apply([
          httpRoute({ ...spec, hostnames: [hostFor('generation'), hostFor('generation-2')] }),
        ]);
        const generation = updated.metadata.generation ?? 0;
        if (generation <= (original.metadata.generation ?? 0)) {
          throw new Error(
            `HTTPRoute ${spec.namespace}/${spec.name}: generation stayed ${generation} after a spec update; the API server should have bumped it.`,
          );
        }
        // conditionHolds requires observedGeneration >= the latest generation for each condition.
        await waitForParent(updated, fixtureParent(), accepted);
      },
    );
  });

  describe('weighted backends', () => {
    const apply = scopedObjects();
    const requests = 40;
    const atLeast = 5; // of 40 at 1:1, fewer happens with probability ~1e-7

    async function weightedRoute(what: string, v1Weight: number, v2Weight: number): Promise<string> {
      const host = hostFor(what);
      const [route] = await apply([
        httpRoute({
          name: nameFor(what),
          namespace: backends.v1.namespace,
          hostnames: [host],
          parentRefs: [fixtureParent()],
          backendRefs: [backendRef(backends.v1, v1Weight), backendRef(backends.v2, v2Weight)],
        }),
      ]);
      await waitForParent(route, fixtureParent(), [
        { type: 'Accepted', status: 'True' },
        { type: 'ResolvedRefs', status: 'True' },
      ]);
      return host;
    }

    defineCase(
      { id: 'tsWeightSplit', title: 'equal weights send requests to both backends', upstream: 'HTTPRouteWeight' },
      async () => {
        const host = await weightedRoute('weights', 1, 1);
        // As upstream: the route must serve consistently before the distribution is measured.
        await eventually(request('/env', { host }), servedBy('v1', 'v2'));
        const counts = await sample(request('/env', { host }), requests);
        const short = ['v1', 'v2'].filter((v) => (counts.get(v) ?? 0) < atLeast);
        const others = [...counts.keys()].filter((k) => k !== 'v1' && k !== 'v2');
        if (short.length > 0 || others.length > 0) {
          throw new Error(
            `${requests} requests to GET /env (Host: ${host}) with weights v1=1, v2=1 were answered by ${showCounts(counts)}; expected only v1 and v2, each at least ${atLeast} times.`,
          );
        }
      },
    );

    defineCase(
      { id: 'tsWeightZero', title: 'a backend with weight 0 gets no requests', upstream: 'HTTPRouteWeight' },
      async () => {
        // A fresh route (not an update): until it is programmed its Host gets 404, never v2.
        const host = await weightedRoute('weight-zero', 1, 0);
        await eventually(request('/env', { host }), servedBy('v1'));
        const counts = await sample(request('/env', { host }), requests);
        if (counts.size !== 1 || !counts.has('v1')) {
          throw new Error(
            `${requests} requests to GET /env (Host: ${host}) with weights v1=1, v2=0 were answered by ${showCounts(counts)}; expected v1 only.`,
          );
        }
      },
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../types.ts';
import { type SimController, startController } from './controller.ts';
import { type KubeObject, Store } from '../apiserver/store.ts';
import { privilegedPortsBindable } from '../privileged-ports.test-helper.ts';
import { SIM_SUPPORTED_FEATURES } from '../supported-features.ts';
import { rawRequest } from '../raw-http.test-helper.ts';
import { GW, httpbinDeployment, httpbinService, httpRoute, namespace, waitFor } from './cluster-objects.test-helper.ts';

const send = (endpoint: Endpoint, path: string, host: string, headers: Record<string, string> = {}) =>
  rawRequest(endpoint, path, { host, headers });

/**
 * The controller, data plane and backends against a bare Store: the tutorial's objects, the
 * status a user checks by hand, real HTTP through the loopback listener, and the troubleshooting
 * cases. Waits are event-driven (store subscriptions); their timeouts are only safety nets.
 */

const CONTROLLER = 'istio.io/gateway-controller';
const APPS = 'demo';
const INFRA = 'istio-ingress';

type Cond = {
  type: string;
  status: string;
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
};

function condition(conditions: unknown, type: string): Cond | undefined {
  return ((conditions ?? []) as Cond[]).find((c) => c.type === type);
}

function gatewayCondition(store: Store, name: string, type: string): Cond | undefined {
  return condition((store.get(GW, 'Gateway', INFRA, name)?.status as { conditions?: unknown })?.conditions, type);
}

function routeParent(
  store: Store,
  ns: string,
  name: string,
): { conditions: Cond[]; parentRef: Record<string, unknown> } | undefined {
  const parents = (
    (store.get(GW, 'HTTPRoute', ns, name)?.status ?? {}) as {
      parents?: { controllerName: string; conditions: Cond[]; parentRef: Record<string, unknown> }[];
    }
  ).parents;
  return parents?.find((p) => p.controllerName === CONTROLLER);
}

function routeCondition(store: Store, ns: string, name: string, type: string): Cond | undefined {
  return condition(routeParent(store, ns, name)?.conditions, type);
}

function gateway(name: string, from: 'All' | 'Same' = 'All'): KubeObject {
  return {
    apiVersion: GW,
    kind: 'Gateway',
    metadata: { name, namespace: INFRA },
    spec: {
      gatewayClassName: 'istio',
      listeners: [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from } } }],
    },
  };
}

const tutorialRoute = httpRoute('httpbin-route', APPS, {
  parentRefs: [{ name: 'external-gateway', namespace: INFRA }],
  hostnames: ['httpbin.example.com'],
  rules: [
    {
      matches: [{ headers: [{ type: 'Exact', name: 'x-version', value: 'v2' }] }],
      backendRefs: [{ name: 'httpbin-v2', port: 80 }],
    },
    { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'httpbin', port: 80 }] },
  ],
});

describe('sim controller: the tutorial, end to end', () => {
  const store = new Store();
  let controller: SimController;
  let endpoint: Endpoint;
  let sawAddressNotAssigned: Cond | undefined;

  beforeAll(async () => {
    const unsubscribe = store.subscribe(() => {
      const programmed = gatewayCondition(store, 'external-gateway', 'Programmed');
      if (programmed?.reason === 'AddressNotAssigned') sawAddressNotAssigned ??= programmed;
    });
    controller = await startController(store, {
      gatewayClassName: 'istio',
      controllerName: CONTROLLER,
      serverHeader: 'istio-envoy',
      addressDelayMs: 200,
    });
    for (const obj of [
      namespace(APPS),
      namespace(INFRA),
      httpbinDeployment('httpbin', 'v1', APPS),
      httpbinDeployment('httpbin-v2', 'v2', APPS),
      httpbinService('httpbin', 'v1', APPS),
      httpbinService('httpbin-v2', 'v2', APPS),
      gateway('external-gateway'),
      tutorialRoute,
    ]) {
      store.create(obj);
    }
    await waitFor(
      store,
      'Gateway Programmed=True',
      () => gatewayCondition(store, 'external-gateway', 'Programmed')?.status === 'True',
    );
    await waitFor(
      store,
      'route accepted',
      () => routeCondition(store, APPS, 'httpbin-route', 'Accepted')?.status === 'True',
    );
    unsubscribe();
    endpoint = controller.endpoint({ namespace: INFRA, name: 'external-gateway' }, 'http') as Endpoint;
  });

  afterAll(async () => {
    await controller?.stop();
  });

  it('creates GatewayClass istio with our controllerName and accepts it, advertising the features the sim passes', () => {
    const gc = store.get(GW, 'GatewayClass', undefined, 'istio');
    expect((gc?.spec as { controllerName: string }).controllerName).toBe(CONTROLLER);
    expect(condition((gc?.status as { conditions: unknown }).conditions, 'Accepted')).toMatchObject({
      status: 'True',
      reason: 'Accepted',
      observedGeneration: 1,
    });
    const advertised = (gc?.status as { supportedFeatures: { name: string }[] }).supportedFeatures.map((f) => f.name);
    expect(advertised).toEqual([...SIM_SUPPORTED_FEATURES].sort());
    expect(advertised).toContain('HTTPRoute');
  });

  it('runs the backends: Deployments Available with Running, Ready pods carrying the template labels', () => {
    for (const name of ['httpbin', 'httpbin-v2']) {
      const d = store.get('apps/v1', 'Deployment', APPS, name);
      expect(d?.status).toMatchObject({ observedGeneration: 1, replicas: 1, readyReplicas: 1, availableReplicas: 1 });
      expect(condition((d?.status as { conditions: unknown }).conditions, 'Available')).toMatchObject({
        status: 'True',
        reason: 'MinimumReplicasAvailable',
      });
    }
    const pods = store.list('v1', 'Pod', APPS).filter((p) => p.metadata.labels?.version === 'v2');
    expect(pods).toHaveLength(1);
    expect(pods[0].metadata.name).toMatch(/^httpbin-v2-[a-z0-9]{10}-[a-z0-9]{5}$/);
    expect(pods[0].status).toMatchObject({ phase: 'Running' });
    expect(condition((pods[0].status as { conditions: unknown }).conditions, 'Ready')?.status).toBe('True');
  });

  it('provisions <gw>-istio as Istio does: LoadBalancer Service with an address, Deployment, a labelled gateway pod', () => {
    const svc = store.get('v1', 'Service', INFRA, 'external-gateway-istio');
    expect(svc?.spec).toMatchObject({
      type: 'LoadBalancer',
      selector: { 'gateway.networking.k8s.io/gateway-name': 'external-gateway' },
    });
    expect((svc?.spec as { ports: { port: number }[] }).ports.map((p) => p.port)).toEqual([15021, 80]);
    // Its own loopback address, from the controller's block of 127.0.0.0/8 (never 127.0.0.1 where aliases work).
    const ip = (svc?.status as { loadBalancer: { ingress: { ip: string }[] } }).loadBalancer.ingress[0].ip;
    expect(ip).toMatch(/^127\.\d+\.\d+\.1$/);
    if (process.platform === 'linux') expect(ip).not.toBe('127.0.0.1');
    expect(store.get('apps/v1', 'Deployment', INFRA, 'external-gateway-istio')).toBeDefined();
    const gwPods = store
      .list('v1', 'Pod', INFRA)
      .filter((p) => p.metadata.labels?.['gateway.networking.k8s.io/gateway-name'] === 'external-gateway');
    expect(gwPods).toHaveLength(1);
  });

  it('reports Programmed=False/AddressNotAssigned until the address exists, then Accepted and Programmed at the current generation', () => {
    expect(sawAddressNotAssigned).toMatchObject({
      status: 'False',
      message:
        'Assigned to service(s) external-gateway-istio.istio-ingress.svc.cluster.local:80, but failed to assign to all requested addresses: address pending for hostname "external-gateway-istio.istio-ingress.svc.cluster.local"',
    });
    const status = store.get(GW, 'Gateway', INFRA, 'external-gateway')?.status as {
      addresses: unknown;
      listeners: Record<string, unknown>[];
    };
    const svc = store.get('v1', 'Service', INFRA, 'external-gateway-istio');
    const ip = (svc?.status as { loadBalancer: { ingress: { ip: string }[] } }).loadBalancer.ingress[0].ip;
    expect(status.addresses).toEqual([{ type: 'IPAddress', value: ip }]);
    expect(gatewayCondition(store, 'external-gateway', 'Accepted')).toMatchObject({
      status: 'True',
      reason: 'Accepted',
      observedGeneration: 1,
    });
    expect(gatewayCondition(store, 'external-gateway', 'Programmed')).toMatchObject({
      status: 'True',
      reason: 'Programmed',
      observedGeneration: 1,
    });
    const listener = status.listeners[0];
    expect(listener).toMatchObject({ name: 'http', attachedRoutes: 1 });
    for (const [type, value] of [
      ['Accepted', 'True'],
      ['Programmed', privilegedPortsBindable ? 'True' : 'False'],
      ['ResolvedRefs', 'True'],
      ['Conflicted', 'False'],
    ]) {
      expect(condition(listener.conditions, type)).toMatchObject({ status: value, observedGeneration: 1 });
    }
  });

  it('serves the listener where the status says: the Gateway address, on the listener port 80', () => {
    const status = store.get(GW, 'Gateway', INFRA, 'external-gateway')?.status as { addresses: { value: string }[] };
    expect(endpoint.host).toBe(status.addresses[0].value);
    if (privilegedPortsBindable) expect(endpoint.port).toBe(80);
    else expect(endpoint.port).not.toBe(80); // served elsewhere, and the listener says so (port-binding tests)
  });

  it('writes the route parent status under istio.io/gateway-controller', () => {
    const parent = routeParent(store, APPS, 'httpbin-route');
    expect(parent?.parentRef).toMatchObject({ name: 'external-gateway', namespace: INFRA });
    expect(condition(parent?.conditions, 'Accepted')).toMatchObject({
      status: 'True',
      reason: 'Accepted',
      observedGeneration: 1,
    });
    expect(condition(parent?.conditions, 'ResolvedRefs')).toMatchObject({
      status: 'True',
      reason: 'ResolvedRefs',
      observedGeneration: 1,
    });
  });

  it('serves GET /headers with 200 and server: istio-envoy', async () => {
    const res = await send(endpoint, '/headers', 'httpbin.example.com');
    expect(res.status).toBe(200);
    expect(res.headers.server).toBe('istio-envoy');
    expect(JSON.parse(res.body).headers.Host).toEqual(['httpbin.example.com']);
  });

  it('routes by header: /env shows v2 with x-version: v2 and v1 without; only HTTPBIN_ENV_ variables', async () => {
    const v2 = await send(endpoint, '/env', 'httpbin.example.com', { 'x-version': 'v2' });
    expect(JSON.parse(v2.body)).toEqual({ env: { HTTPBIN_ENV_VERSION: 'v2' } });
    const v1 = await send(endpoint, '/env', 'httpbin.example.com');
    expect(JSON.parse(v1.body)).toEqual({ env: { HTTPBIN_ENV_VERSION: 'v1' } });
  });

  it('/headers echoes X-Version as an array', async () => {
    const res = await send(endpoint, '/headers', 'httpbin.example.com:80', { 'x-version': 'v2' });
    expect(JSON.parse(res.body).headers['X-Version']).toEqual(['v2']);
  });

  it('answers 404 (from the proxy) for a host no route serves', async () => {
    const res = await send(endpoint, '/headers', 'unknown.example.com');
    expect(res.status).toBe(404);
    expect(res.headers.server).toBe('istio-envoy');
  });

  it('passes backend statuses through', async () => {
    const res = await send(endpoint, '/status/418', 'httpbin.example.com');
    expect(res.status).toBe(418);
    expect(res.headers.server).toBe('istio-envoy');
  });

  it('keeps access logs for the gateway pod and request logs for backend pods', async () => {
    await send(endpoint, '/get?from=logs', 'httpbin.example.com');
    const gwPod = store
      .list('v1', 'Pod', INFRA)
      .find((p) => p.metadata.labels?.['gateway.networking.k8s.io/gateway-name'] === 'external-gateway');
    expect(controller.podLogs(INFRA, gwPod!.metadata.name)).toContain('"GET /get?from=logs HTTP/1.1" 200');
    const v1Pod = store.list('v1', 'Pod', APPS).find((p) => p.metadata.labels?.version === 'v1');
    expect(controller.podLogs(APPS, v1Pod!.metadata.name)).toContain('uri=/get?from=logs');
    expect(controller.podLogs(APPS, 'no-such-pod')).toBeUndefined();
  });

  it('a route to a missing Service: ResolvedRefs=False/BackendNotFound, and its traffic gets 500', async () => {
    store.create(
      httpRoute('missing-backend', APPS, {
        parentRefs: [{ name: 'external-gateway', namespace: INFRA }],
        hostnames: ['missing.example.com'],
        rules: [{ backendRefs: [{ name: 'does-not-exist', port: 80 }] }],
      }),
    );
    const resolved = await waitFor(store, 'ResolvedRefs=False', () =>
      routeCondition(store, APPS, 'missing-backend', 'ResolvedRefs'),
    );
    expect(resolved).toMatchObject({
      status: 'False',
      reason: 'BackendNotFound',
      message: 'backend(does-not-exist.demo.svc.cluster.local) not found',
    });
    expect(routeCondition(store, APPS, 'missing-backend', 'Accepted')?.status).toBe('True');
    expect((await send(endpoint, '/get', 'missing.example.com')).status).toBe(500);
  });

  // Upstream HTTPRoutePartiallyInvalidViaInvalidReferenceGrant and the HTTPRouteRule.BackendRefs text
  // (apis/v1/httproute_types.go): requests an invalid backendRef would get receive 500, its sibling
  // rules keep serving; the route stays Accepted with ResolvedRefs=False and the ref's reason.
  it.each([
    { what: 'a missing Service', invalid: { name: 'gone', port: 80 }, reason: 'BackendNotFound' },
    {
      what: 'an unknown kind',
      invalid: { group: 'example.com', kind: 'Widget', name: 'httpbin', port: 80 },
      reason: 'InvalidKind',
    },
    {
      what: 'another namespace without ReferenceGrant',
      invalid: { name: 'external-gateway-istio', namespace: INFRA, port: 80 },
      reason: 'RefNotPermitted',
    },
  ])(
    'one rule to $what: that rule gets 500, the other rules keep serving, ResolvedRefs=False/$reason',
    async ({ invalid, reason }) => {
      const name = `partly-${reason.toLowerCase()}`;
      const host = `${name}.example.com`;
      store.create(
        httpRoute(name, APPS, {
          parentRefs: [{ name: 'external-gateway', namespace: INFRA }],
          hostnames: [host],
          rules: [
            { matches: [{ path: { type: 'PathPrefix', value: '/invalid' } }], backendRefs: [invalid] },
            {
              matches: [{ headers: [{ type: 'Exact', name: 'x-version', value: 'v2' }] }],
              backendRefs: [{ name: 'httpbin-v2', port: 80 }],
            },
            { backendRefs: [{ name: 'httpbin', port: 80 }] },
          ],
        }),
      );
      const resolved = await waitFor(store, 'ResolvedRefs=False', () =>
        routeCondition(store, APPS, name, 'ResolvedRefs'),
      );
      expect(resolved).toMatchObject({ status: 'False', reason });
      expect(routeCondition(store, APPS, name, 'Accepted')?.status).toBe('True');
      expect((await send(endpoint, '/invalid/get', host)).status).toBe(500);
      const v1 = await send(endpoint, '/env', host);
      expect(v1.status).toBe(200);
      expect(JSON.parse(v1.body)).toEqual({ env: { HTTPBIN_ENV_VERSION: 'v1' } });
      const v2 = await send(endpoint, '/env', host, { 'x-version': 'v2' });
      expect(JSON.parse(v2.body)).toEqual({ env: { HTTPBIN_ENV_VERSION: 'v2' } });
      // The tutorial's route, on the same listener, is not touched either.
      expect((await send(endpoint, '/headers', 'httpbin.example.com')).status).toBe(200);
    },
  );

  it('one of two equally weighted backends missing: about half the requests get 500, the rest reach the other', async () => {
    store.create(
      httpRoute('half-missing', APPS, {
        parentRefs: [{ name: 'external-gateway', namespace: INFRA }],
        hostnames: ['half.example.com'],
        rules: [
          {
            backendRefs: [
              { name: 'gone', port: 80 },
              { name: 'httpbin', port: 80 },
            ],
          },
        ],
      }),
    );
    await waitFor(store, 'ResolvedRefs=False', () => routeCondition(store, APPS, 'half-missing', 'ResolvedRefs'));
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await send(endpoint, '/get', 'half.example.com')).status);
    expect(new Set(statuses)).toEqual(new Set([200, 500]));
    const failed = statuses.filter((s) => s === 500).length;
    expect(failed).toBeGreaterThan(10);
    expect(failed).toBeLessThan(50);
  });

  it('a route from a namespace the listener does not allow: Accepted=False/NotAllowedByListeners', async () => {
    store.create(gateway('same-ns-gateway', 'Same'));
    store.create(
      httpRoute('not-allowed', APPS, {
        parentRefs: [{ name: 'same-ns-gateway', namespace: INFRA }],
        rules: [{ backendRefs: [{ name: 'httpbin', port: 80 }] }],
      }),
    );
    const accepted = await waitFor(store, 'Accepted set', () => routeCondition(store, APPS, 'not-allowed', 'Accepted'));
    expect(accepted).toMatchObject({ status: 'False', reason: 'NotAllowedByListeners' });
    await waitFor(
      store,
      'listener status',
      () => (store.get(GW, 'Gateway', INFRA, 'same-ns-gateway')?.status as { listeners?: unknown[] })?.listeners,
    );
    const listeners = (
      store.get(GW, 'Gateway', INFRA, 'same-ns-gateway')?.status as { listeners: { attachedRoutes: number }[] }
    ).listeners;
    expect(listeners[0].attachedRoutes).toBe(0);
  });

  it('a parentRef to a missing Gateway or listener: Accepted=False/NoMatchingParent', async () => {
    store.create(httpRoute('no-parent', APPS, { parentRefs: [{ name: 'no-such-gateway', namespace: INFRA }] }));
    store.create(
      httpRoute('no-section', APPS, {
        parentRefs: [{ name: 'external-gateway', namespace: INFRA, sectionName: 'https' }],
      }),
    );
    expect(
      await waitFor(store, 'no-parent status', () => routeCondition(store, APPS, 'no-parent', 'Accepted')),
    ).toMatchObject({
      status: 'False',
      reason: 'NoMatchingParent',
    });
    expect(
      await waitFor(store, 'no-section status', () => routeCondition(store, APPS, 'no-section', 'Accepted')),
    ).toMatchObject({
      status: 'False',
      reason: 'NoMatchingParent',
      message: 'sectionName "https" not found',
    });
  });

  it("leaves parentRefs to Gateways of other classes alone and keeps other controllers' entries", async () => {
    store.create({
      ...gateway('foreign'),
      spec: { gatewayClassName: 'other', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    });
    const created = store.create(
      httpRoute('two-parents', APPS, {
        parentRefs: [
          { name: 'foreign', namespace: INFRA },
          { name: 'external-gateway', namespace: INFRA },
        ],
        hostnames: ['two.example.com'],
        rules: [{ backendRefs: [{ name: 'httpbin', port: 80 }] }],
      }),
    );
    store.updateStatus({
      ...created,
      metadata: { ...created.metadata, resourceVersion: undefined },
      status: {
        parents: [
          { parentRef: { name: 'foreign', namespace: INFRA }, controllerName: 'example.com/other', conditions: [] },
        ],
      },
    });
    await waitFor(store, 'our parent entry', () => routeParent(store, APPS, 'two-parents'));
    const parents = (
      store.get(GW, 'HTTPRoute', APPS, 'two-parents')?.status as {
        parents: { controllerName: string; parentRef: { name: string } }[];
      }
    ).parents;
    expect(parents.map((p) => `${p.controllerName} ${p.parentRef.name}`)).toEqual([
      'example.com/other foreign',
      `${CONTROLLER} external-gateway`,
    ]);
    expect(store.get('v1', 'Service', INFRA, 'foreign-istio')).toBeUndefined();
  });

  it('observedGeneration follows a spec change of the route and of the Gateway; unchanged conditions keep their transition time', async () => {
    const before = routeCondition(store, APPS, 'httpbin-route', 'Accepted') as Cond;
    const route = store.get(GW, 'HTTPRoute', APPS, 'httpbin-route') as KubeObject;
    const updated = store.update({
      ...route,
      spec: { ...(route.spec as object), hostnames: ['httpbin.example.com', 'www.example.com'] },
    });
    expect(updated.metadata.generation).toBe(2);
    const after = await waitFor(store, 'route observedGeneration 2', () => {
      const c = routeCondition(store, APPS, 'httpbin-route', 'Accepted');
      return c?.observedGeneration === 2 ? c : undefined;
    });
    expect(after.lastTransitionTime).toBe(before.lastTransitionTime);
    expect((await send(endpoint, '/get', 'www.example.com')).status).toBe(200);

    const gw = store.get(GW, 'Gateway', INFRA, 'external-gateway') as KubeObject;
    const spec = gw.spec as { listeners: Record<string, unknown>[] };
    store.update({
      ...gw,
      spec: {
        ...spec,
        listeners: [
          ...spec.listeners,
          { name: 'extra', port: 8080, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
        ],
      },
    });
    await waitFor(
      store,
      'gateway observedGeneration 2',
      () => gatewayCondition(store, 'external-gateway', 'Programmed')?.observedGeneration === 2,
    );
    const listeners = (
      store.get(GW, 'Gateway', INFRA, 'external-gateway')?.status as {
        listeners: { name: string; attachedRoutes: number }[];
      }
    ).listeners;
    expect(listeners.map((l) => l.name)).toEqual(['http', 'extra']);
    expect(controller.endpoint({ namespace: INFRA, name: 'external-gateway' }, 'extra')).toBeDefined();
    const svc = store.get('v1', 'Service', INFRA, 'external-gateway-istio');
    expect((svc?.spec as { ports: { port: number }[] }).ports.map((p) => p.port)).toEqual([15021, 80, 8080]);
  });

  it('cross-namespace backends need a ReferenceGrant: RefNotPermitted, then traffic once granted', async () => {
    store.create(namespace('backends'));
    store.create(httpbinDeployment('shared', 'v3', 'backends'));
    store.create(httpbinService('shared', 'v3', 'backends'));
    store.create(
      httpRoute('cross-ns', APPS, {
        parentRefs: [{ name: 'external-gateway', namespace: INFRA }],
        hostnames: ['cross.example.com'],
        rules: [{ backendRefs: [{ name: 'shared', namespace: 'backends', port: 80 }] }],
      }),
    );
    expect(
      await waitFor(store, 'cross-ns ResolvedRefs', () => routeCondition(store, APPS, 'cross-ns', 'ResolvedRefs')),
    ).toMatchObject({
      status: 'False',
      reason: 'RefNotPermitted',
    });
    expect((await send(endpoint, '/env', 'cross.example.com')).status).toBe(500);
    store.create({
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: { name: 'allow-demo', namespace: 'backends' },
      spec: {
        from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: APPS }],
        to: [{ group: '', kind: 'Service' }],
      },
    });
    await waitFor(
      store,
      'cross-ns resolved',
      () => routeCondition(store, APPS, 'cross-ns', 'ResolvedRefs')?.status === 'True',
    );
    const res = await send(endpoint, '/env', 'cross.example.com');
    expect(JSON.parse(res.body)).toEqual({ env: { HTTPBIN_ENV_VERSION: 'v3' } });
  });

  it('deleting a Deployment stops its backend and deletes its pods: the proxy answers 503', async () => {
    store.delete('apps/v1', 'Deployment', 'backends', 'shared');
    await waitFor(store, 'pods gone', () => store.list('v1', 'Pod', 'backends').length === 0);
    expect((await send(endpoint, '/env', 'cross.example.com')).status).toBe(503);
  });

  it('deleting the Gateway removes its Service, Deployment and listeners', async () => {
    store.delete(GW, 'Gateway', INFRA, 'same-ns-gateway');
    await waitFor(
      store,
      'service gone',
      () => store.get('v1', 'Service', INFRA, 'same-ns-gateway-istio') === undefined,
    );
    await waitFor(
      store,
      'deployment gone',
      () => store.get('apps/v1', 'Deployment', INFRA, 'same-ns-gateway-istio') === undefined,
    );
    expect(controller.endpoint({ namespace: INFRA, name: 'same-ns-gateway' }, 'http')).toBeUndefined();
  });
});

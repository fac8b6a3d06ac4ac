import { describe, expect, it } from 'vitest';
import type { Listener, ReferenceGrantSpec, RouteParentStatus } from '../../../kube/gateway-api.ts';
import { evaluateListeners } from './gateway-status.ts';
import {
  type GatewayView,
  type ReferenceLookup,
  type RouteView,
  attachToGateway,
  buildRouteParents,
  resolveRouteRefs,
  selectorMatches,
} from './route-status.ts';

const T0 = '2024-01-01T00:00:00Z';

function gateway(listeners: Listener[], namespace = 'infra'): GatewayView {
  return { namespace, name: 'gw', listeners: evaluateListeners(listeners) };
}

function route(spec: RouteView['spec'], namespace = 'apps', generation = 1): RouteView {
  return { namespace, name: 'r', generation, spec };
}

const httpAll: Listener = { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } };

describe('attachToGateway', () => {
  it('accepts a route on a listener allowing all namespaces and reports its effective hostnames', () => {
    const a = attachToGateway(route({ hostnames: ['httpbin.example.com'] }), { name: 'gw' }, gateway([httpAll]), {});
    expect(a).toEqual({ accepted: true, listeners: [{ name: 'http', hostnames: ['httpbin.example.com'] }] });
  });

  it("defaults allowedRoutes to the Gateway's own namespace", () => {
    const same: Listener = { name: 'http', port: 80, protocol: 'HTTP' };
    expect(attachToGateway(route({}, 'infra'), { name: 'gw' }, gateway([same]), {}).accepted).toBe(true);
    const other = attachToGateway(route({}, 'apps'), { name: 'gw', namespace: 'infra' }, gateway([same]), {});
    expect(other).toMatchObject({ accepted: false, reason: 'NotAllowedByListeners' });
    expect(!other.accepted && other.message).toBe(
      'hostnames matched parent hostname "*", but namespace "apps" is not allowed by the parent',
    );
  });

  it("applies a namespace selector to the route namespace's labels", () => {
    const sel: Listener = {
      name: 'http',
      port: 80,
      protocol: 'HTTP',
      allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { shared: 'yes' } } } },
    };
    expect(attachToGateway(route({}), { name: 'gw' }, gateway([sel]), { shared: 'yes' }).accepted).toBe(true);
    expect(attachToGateway(route({}), { name: 'gw' }, gateway([sel]), { shared: 'no' })).toMatchObject({
      reason: 'NotAllowedByListeners',
    });
  });

  it('rejects a route kind the listener does not allow', () => {
    const grpcOnly: Listener = {
      ...httpAll,
      allowedRoutes: { namespaces: { from: 'All' }, kinds: [{ kind: 'GRPCRoute' }] },
    };
    expect(attachToGateway(route({}), { name: 'gw' }, gateway([grpcOnly]), {})).toMatchObject({
      reason: 'NotAllowedByListeners',
    });
  });

  it('reports NoMatchingParent for an unknown sectionName or port', () => {
    expect(attachToGateway(route({}), { name: 'gw', sectionName: 'https' }, gateway([httpAll]), {})).toEqual({
      accepted: false,
      reason: 'NoMatchingParent',
      message: 'sectionName "https" not found',
    });
    expect(attachToGateway(route({}), { name: 'gw', port: 8080 }, gateway([httpAll]), {})).toMatchObject({
      reason: 'NoMatchingParent',
    });
  });

  it('reports NoMatchingListenerHostname when no hostname intersects', () => {
    const l: Listener = { ...httpAll, hostname: '*.example.com' };
    expect(attachToGateway(route({ hostnames: ['example.net'] }), { name: 'gw' }, gateway([l]), {})).toEqual({
      accepted: false,
      reason: 'NoMatchingListenerHostname',
      message: 'no hostnames matched parent hostname "*.example.com"',
    });
  });

  it('attaches to every listener that accepts it when no sectionName is given', () => {
    const a = attachToGateway(
      route({ hostnames: ['a.example.com'] }),
      { name: 'gw' },
      gateway([
        httpAll,
        { ...httpAll, name: 'other', port: 8080, hostname: 'b.example.com' },
        { ...httpAll, name: 'alt', port: 8081 },
      ]),
      {},
    );
    expect(a.accepted && a.listeners.map((l) => l.name)).toEqual(['http', 'alt']);
  });

  it('does not attach to a listener with an unsupported protocol', () => {
    const tcp: Listener = { name: 'tcp', port: 9000, protocol: 'TCP', allowedRoutes: { namespaces: { from: 'All' } } };
    expect(attachToGateway(route({}), { name: 'gw', sectionName: 'tcp' }, gateway([httpAll, tcp]), {})).toMatchObject({
      reason: 'NotAllowedByListeners',
    });
  });
});

describe('selectorMatches', () => {
  it('supports matchLabels and every matchExpressions operator', () => {
    const labels = { env: 'prod', tier: 'web' };
    expect(
      selectorMatches({ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'stage'] }] }, labels),
    ).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, labels)).toBe(
      false,
    );
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: { env: 'dev' } }, labels)).toBe(false);
  });
});

describe('resolveRouteRefs', () => {
  const grants: Record<string, ReferenceGrantSpec[]> = {};
  const lookup: ReferenceLookup = {
    serviceExists: (ns, name) => `${ns}/${name}` === 'apps/httpbin' || `${ns}/${name}` === 'backends/shared',
    referenceGrants: (ns) => grants[ns] ?? [],
  };
  const rule = (ref: Record<string, unknown>) => ({
    rules: [{ backendRefs: [{ port: 80, ...ref } as unknown as { name: string }] }],
  });

  it("resolves a Service in the route's namespace", () => {
    expect(resolveRouteRefs(route(rule({ name: 'httpbin' })), lookup)).toEqual({ ok: true });
  });

  it('reports a missing Service as BackendNotFound', () => {
    expect(resolveRouteRefs(route(rule({ name: 'nope' })), lookup)).toEqual({
      ok: false,
      reason: 'BackendNotFound',
      message: 'backend(nope.apps.svc.cluster.local) not found',
    });
  });

  it('reports a non-Service kind as InvalidKind', () => {
    expect(resolveRouteRefs(route(rule({ name: 'x', group: 'example.com', kind: 'Bucket' })), lookup)).toMatchObject({
      reason: 'InvalidKind',
    });
  });

  it('needs a ReferenceGrant in the target namespace for a cross-namespace Service', () => {
    const crossNs = route(rule({ name: 'shared', namespace: 'backends' }));
    expect(resolveRouteRefs(crossNs, lookup)).toMatchObject({ reason: 'RefNotPermitted' });
    grants.backends = [
      {
        from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'other' }],
        to: [{ group: '', kind: 'Service' }],
      },
    ];
    expect(resolveRouteRefs(crossNs, lookup)).toMatchObject({ reason: 'RefNotPermitted' });
    grants.backends.push({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'apps' }],
      to: [{ group: '', kind: 'Service', name: 'other' }],
    });
    expect(resolveRouteRefs(crossNs, lookup)).toMatchObject({ reason: 'RefNotPermitted' });
    grants.backends.push({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'apps' }],
      to: [{ group: '', kind: 'Service', name: 'shared' }],
    });
    expect(resolveRouteRefs(crossNs, lookup)).toEqual({ ok: true });
  });
});

describe('buildRouteParents', () => {
  const ours = 'istio.io/gateway-controller';
  const r = route({ parentRefs: [{ name: 'gw', namespace: 'infra' }] });
  const accepted = { accepted: true as const, listeners: [{ name: 'http', hostnames: ['*'] }] };

  it("writes Accepted and ResolvedRefs with Istio's messages, the route generation and the defaulted parentRef", () => {
    const parents = buildRouteParents(
      r,
      undefined,
      [{ ref: { name: 'gw', namespace: 'infra' }, attachment: accepted }],
      { ok: true },
      ours,
      T0,
    );
    expect(parents).toEqual([
      {
        parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw', namespace: 'infra' },
        controllerName: ours,
        conditions: [
          {
            type: 'Accepted',
            status: 'True',
            reason: 'Accepted',
            message: 'Route was valid',
            observedGeneration: 1,
            lastTransitionTime: T0,
          },
          {
            type: 'ResolvedRefs',
            status: 'True',
            reason: 'ResolvedRefs',
            message: 'All references resolved',
            observedGeneration: 1,
            lastTransitionTime: T0,
          },
        ],
      },
    ]);
  });

  it("keeps other controllers' entries in place and drops our entries for parentRefs that left the spec", () => {
    const foreign: RouteParentStatus = {
      parentRef: { name: 'gw', namespace: 'infra' },
      controllerName: 'example.com/other',
      conditions: [],
    };
    const stale: RouteParentStatus = {
      parentRef: { name: 'old', namespace: 'infra' },
      controllerName: ours,
      conditions: [],
    };
    const parents = buildRouteParents(
      r,
      [stale, foreign],
      [{ ref: { name: 'gw', namespace: 'infra' }, attachment: accepted }],
      { ok: true },
      ours,
      T0,
    );
    expect(parents.map((p) => `${p.controllerName}:${p.parentRef.name}`)).toEqual([
      'example.com/other:gw',
      `${ours}:gw`,
    ]);
  });

  it('reports a reference problem on every parent', () => {
    const parents = buildRouteParents(
      r,
      undefined,
      [{ ref: { name: 'gw', namespace: 'infra' }, attachment: accepted }],
      { ok: false, reason: 'BackendNotFound', message: 'backend(x.apps.svc.cluster.local) not found' },
      ours,
      T0,
    );
    expect(parents[0].conditions[1]).toMatchObject({
      type: 'ResolvedRefs',
      status: 'False',
      reason: 'BackendNotFound',
    });
  });
});

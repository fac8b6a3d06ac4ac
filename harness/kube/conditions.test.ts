import { describe, expect, it } from 'vitest';
import {
  conditionHolds,
  conditionsIn,
  describeCondition,
  conditionsHold,
  describeConditions,
  describeExpected,
  describeObject,
  findCondition,
  gatewayListenerStatus,
  isHealthyCondition,
  routeParentStatus,
} from './conditions.ts';
import type { KubeObject } from './types.ts';

function gateway(generation: number, conditions: object[], extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'external-gateway', namespace: 'istio-system', generation },
    status: { conditions, ...extra },
  };
}

const programmedFalse = {
  type: 'Programmed',
  status: 'False',
  reason: 'AddressNotAssigned',
  message: 'no address',
  observedGeneration: 2,
};

describe('findCondition', () => {
  it('finds by type and returns undefined when absent', () => {
    const conditions = [{ type: 'Accepted', status: 'True' }, programmedFalse];
    expect(findCondition(conditions, 'Programmed')?.reason).toBe('AddressNotAssigned');
    expect(findCondition(conditions, 'Ready')).toBeUndefined();
    expect(findCondition(undefined, 'Ready')).toBeUndefined();
  });
});

describe('conditionHolds', () => {
  const gw = gateway(2, [
    { type: 'Accepted', status: 'True', reason: 'Accepted', observedGeneration: 2 },
    programmedFalse,
  ]);

  it('checks status and, when given, reason', () => {
    expect(conditionHolds(gw, 'Accepted')).toBe(true);
    expect(conditionHolds(gw, 'Programmed')).toBe(false);
    expect(conditionHolds(gw, 'Programmed', 'False', { reason: 'AddressNotAssigned' })).toBe(true);
    expect(conditionHolds(gw, 'Programmed', 'False', { reason: 'Invalid' })).toBe(false);
    expect(conditionHolds(gw, 'Missing', 'False')).toBe(false);
    expect(conditionHolds(undefined, 'Accepted')).toBe(false);
  });

  it('ignores conditions written for an older generation (stale after an update)', () => {
    const stale = gateway(3, [{ type: 'Accepted', status: 'True', observedGeneration: 2 }]);
    expect(conditionHolds(stale, 'Accepted')).toBe(false);
    expect(conditionHolds(stale, 'Accepted', 'True', { generation: 2 })).toBe(true);
  });

  it('uses status.observedGeneration when conditions carry none (core kinds)', () => {
    const deployment: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'httpbin', generation: 4 },
      status: { observedGeneration: 3, conditions: [{ type: 'Available', status: 'True' }] },
    };
    expect(conditionHolds(deployment, 'Available')).toBe(false);
    (deployment.status as { observedGeneration: number }).observedGeneration = 4;
    expect(conditionHolds(deployment, 'Available')).toBe(true);
  });

  it('with strictGeneration, takes a condition without observedGeneration as stale (upstream FilterStaleConditions)', () => {
    const unobserved = gateway(2, [{ type: 'Accepted', status: 'True' }], { observedGeneration: 2 });
    expect(conditionHolds(unobserved, 'Accepted')).toBe(true);
    expect(conditionHolds(unobserved, 'Accepted', 'True', { strictGeneration: true })).toBe(false);
    expect(conditionHolds(gw, 'Accepted', 'True', { strictGeneration: true })).toBe(true);
  });

  it('can look in a listener or route parent conditions list', () => {
    const listenerConditions = [{ type: 'ResolvedRefs', status: 'True', observedGeneration: 2 }];
    expect(conditionHolds(gw, 'ResolvedRefs', 'True', { conditions: listenerConditions })).toBe(true);
    expect(conditionHolds(gw, 'ResolvedRefs')).toBe(false);
  });
});

describe('gatewayListenerStatus', () => {
  it('finds a listener by name', () => {
    const gw = gateway(1, [], {
      listeners: [
        { name: 'https', attachedRoutes: 0, conditions: [] },
        { name: 'http', attachedRoutes: 2, conditions: [] },
      ],
    });
    expect(gatewayListenerStatus(gw, 'http')?.attachedRoutes).toBe(2);
    expect(gatewayListenerStatus(gw, 'grpc')).toBeUndefined();
    expect(gatewayListenerStatus(gateway(1, []), 'http')).toBeUndefined();
  });
});

describe('routeParentStatus', () => {
  const route: KubeObject = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'httpbin-route', namespace: 'apps', generation: 1 },
    status: {
      parents: [
        {
          controllerName: 'other.io/controller',
          parentRef: { name: 'external-gateway', namespace: 'istio-system' },
          conditions: [{ type: 'Accepted', status: 'False' }],
        },
        {
          controllerName: 'istio.io/gateway-controller',
          parentRef: {
            group: 'gateway.networking.k8s.io',
            kind: 'Gateway',
            name: 'external-gateway',
            namespace: 'istio-system',
          },
          conditions: [{ type: 'Accepted', status: 'True', observedGeneration: 1 }],
        },
        {
          controllerName: 'istio.io/gateway-controller',
          parentRef: { name: 'local-gw', sectionName: 'http' },
          conditions: [],
        },
      ],
    },
  };

  it('matches the controller and the parentRef with API defaults applied', () => {
    const parent = routeParentStatus(route, {
      controllerName: 'istio.io/gateway-controller',
      parentRef: { name: 'external-gateway', namespace: 'istio-system' },
    });
    expect(parent?.conditions?.[0].status).toBe('True');
  });

  it("defaults the parent's namespace to the route's and requires the same sectionName", () => {
    const c = 'istio.io/gateway-controller';
    expect(
      routeParentStatus(route, {
        controllerName: c,
        parentRef: { name: 'local-gw', namespace: 'apps', sectionName: 'http' },
      }),
    ).toBeDefined();
    expect(routeParentStatus(route, { controllerName: c, parentRef: { name: 'local-gw' } })).toBeUndefined();
    expect(
      routeParentStatus(route, { controllerName: c, parentRef: { name: 'local-gw', sectionName: 'https' } }),
    ).toBeUndefined();
  });

  it('returns undefined for another controller, another parent, or no status', () => {
    expect(
      routeParentStatus(route, {
        controllerName: 'x.io/y',
        parentRef: { name: 'external-gateway', namespace: 'istio-system' },
      }),
    ).toBeUndefined();
    expect(
      routeParentStatus(route, {
        controllerName: 'istio.io/gateway-controller',
        parentRef: { name: 'external-gateway' },
      }),
    ).toBeUndefined();
    expect(
      routeParentStatus({ ...route, status: undefined }, { controllerName: 'a', parentRef: { name: 'b' } }),
    ).toBeUndefined();
  });
});

describe('describeConditions', () => {
  it('lists true ones by name and explains the others', () => {
    expect(
      describeConditions([{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'ok' }, programmedFalse]),
    ).toBe('Accepted=True, Programmed=False (AddressNotAssigned: no address)');
    expect(describeConditions([{ type: 'Ready', status: 'Unknown' }])).toBe('Ready=Unknown');
    expect(describeConditions([])).toBe('no conditions');
  });

  it('describeObject says "not found" and flags stale conditions', () => {
    expect(describeObject(undefined)).toBe('not found');
    const stale = gateway(3, [{ type: 'Accepted', status: 'True', observedGeneration: 2 }]);
    expect(describeObject(stale)).toBe('Accepted=True [stale: Accepted observed generation 2; current generation 3]');
  });
});

describe('describeCondition', () => {
  it('gives the full record when asked: details of a True condition and its observedGeneration', () => {
    const accepted = { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'ok', observedGeneration: 2 };
    expect(describeCondition(accepted)).toBe('Accepted=True');
    expect(describeCondition(accepted, { detailWhenTrue: true, observedGeneration: true })).toBe(
      'Accepted=True (Accepted: ok) [observedGeneration 2]',
    );
    expect(describeCondition({ type: 'Ready', status: 'False' }, { observedGeneration: true })).toBe('Ready=False');
  });
});

describe('isHealthyCondition', () => {
  it('takes True as healthy, except for the negative-polarity types where False is', () => {
    expect(isHealthyCondition({ type: 'Programmed', status: 'True' })).toBe(true);
    expect(isHealthyCondition({ type: 'Programmed', status: 'Unknown' })).toBe(false);
    expect(isHealthyCondition({ type: 'Conflicted', status: 'False' })).toBe(true);
    expect(isHealthyCondition({ type: 'OverlappingTLSConfig', status: 'True' })).toBe(false);
  });
});

describe('conditionsIn', () => {
  it('keeps only entries with a type, and reads anything else as no conditions', () => {
    expect(conditionsIn([{ type: 'Accepted', status: 'True' }, null, { status: 'True' }, 'x'])).toEqual([
      { type: 'Accepted', status: 'True' },
    ]);
    expect(conditionsIn('bad')).toEqual([]);
    expect(conditionsIn(undefined)).toEqual([]);
  });
});

describe('conditionsHold', () => {
  const route = gateway(2, [
    { type: 'Accepted', status: 'True', observedGeneration: 2 },
    { type: 'ResolvedRefs', status: 'False', reason: 'BackendNotFound', observedGeneration: 2 },
  ]);

  it('requires every expected condition, with its reason when given', () => {
    expect(
      conditionsHold(route, [
        { type: 'Accepted', status: 'True' },
        { type: 'ResolvedRefs', status: 'False', reason: 'BackendNotFound' },
      ]),
    ).toBe(true);
    expect(conditionsHold(route, [{ type: 'ResolvedRefs', status: 'False', reason: 'RefNotPermitted' }])).toBe(false);
    expect(conditionsHold(route, [{ type: 'Accepted', status: 'True' }], { generation: 3 })).toBe(false);
  });

  it('describes what it expects', () => {
    expect(
      describeExpected([
        { type: 'Accepted', status: 'True' },
        { type: 'ResolvedRefs', status: 'False', reason: 'BackendNotFound' },
      ]),
    ).toBe('Accepted=True and ResolvedRefs=False (BackendNotFound)');
  });

  it('describeObject can describe a listener or route parent conditions list', () => {
    const listener = [{ type: 'Programmed', status: 'False', reason: 'Pending', observedGeneration: 1 }];
    expect(describeObject(route, listener)).toBe(
      'Programmed=False (Pending) [stale: Programmed observed generation 1; current generation 2]',
    );
    expect(describeObject(route, [])).toBe('no conditions');
  });
});

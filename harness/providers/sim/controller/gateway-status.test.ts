import { describe, expect, it } from 'vitest';
import { buildGatewayStatus, evaluateListeners } from './gateway-status.ts';
import { humanReadableJoin, setConditions } from './status-conditions.ts';

const T0 = '2024-01-01T00:00:00Z';
const T1 = '2024-01-01T00:01:00Z';

function cond(status: { conditions?: { type: string }[] } | undefined, type: string) {
  return status?.conditions?.find((c) => c.type === type) as Record<string, unknown> | undefined;
}

describe('setConditions', () => {
  it('keeps lastTransitionTime while the status holds and refreshes generation, reason and message', () => {
    const first = setConditions(
      undefined,
      [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'a' }],
      1,
      T0,
    );
    const second = setConditions(
      first,
      [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'b' }],
      2,
      T1,
    );
    expect(second).toEqual([
      {
        type: 'Accepted',
        status: 'True',
        reason: 'Accepted',
        message: 'b',
        observedGeneration: 2,
        lastTransitionTime: T0,
      },
    ]);
    const flipped = setConditions(second, [{ type: 'Accepted', status: 'False', reason: 'X', message: 'c' }], 2, T1);
    expect(flipped[0].lastTransitionTime).toBe(T1);
  });

  it('keeps conditions of other types', () => {
    const existing = setConditions(undefined, [{ type: 'Other', status: 'True', reason: 'R', message: '' }], 1, T0);
    const next = setConditions(
      existing,
      [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '' }],
      1,
      T0,
    );
    expect(next.map((c) => c.type)).toEqual(['Other', 'Accepted']);
  });

  it('joins names as Istio does', () => {
    expect(humanReadableJoin(['a'])).toBe('a');
    expect(humanReadableJoin(['a', 'b'])).toBe('a and b');
    expect(humanReadableJoin(['a', 'b', 'c'])).toBe('a, b, and c');
  });
});

describe('listeners', () => {
  it('an HTTP listener supports HTTPRoute and GRPCRoute and is healthy', () => {
    const [l] = evaluateListeners([{ name: 'http', port: 80, protocol: 'HTTP' }]);
    expect(l.attachable).toBe(true);
    expect(l.supportedKinds.map((k) => k.kind)).toEqual(['HTTPRoute', 'GRPCRoute']);
    expect(l.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`)).toEqual([
      'Accepted=True/Accepted',
      'Conflicted=False/NoConflicts',
      'Programmed=True/Programmed',
      'ResolvedRefs=True/ResolvedRefs',
    ]);
  });

  it('an unsupported protocol is not accepted and supports no route kinds', () => {
    const [l] = evaluateListeners([{ name: 'udp', port: 53, protocol: 'UDP' }]);
    expect(l.attachable).toBe(false);
    expect(l.supportedKinds).toEqual([]);
    expect(l.conditions.find((c) => c.type === 'Accepted')).toMatchObject({
      status: 'False',
      reason: 'UnsupportedProtocol',
    });
  });

  it('allowedRoutes.kinds narrows supportedKinds and flags kinds it cannot serve', () => {
    const [only] = evaluateListeners([
      { name: 'h', port: 80, protocol: 'HTTP', allowedRoutes: { kinds: [{ kind: 'HTTPRoute' }] } },
    ]);
    expect(only.supportedKinds).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }]);
    const [bad] = evaluateListeners([
      { name: 'h', port: 80, protocol: 'HTTP', allowedRoutes: { kinds: [{ kind: 'TCPRoute' }] } },
    ]);
    expect(bad.supportedKinds).toEqual([]);
    expect(bad.conditions.find((c) => c.type === 'ResolvedRefs')).toMatchObject({
      status: 'False',
      reason: 'InvalidRouteKinds',
    });
  });

  it('flags listeners sharing a port and hostname as conflicted', () => {
    const ls = evaluateListeners([
      { name: 'a', port: 80, protocol: 'HTTP' },
      { name: 'b', port: 80, protocol: 'HTTP' },
      { name: 'c', port: 80, protocol: 'HTTP', hostname: 'c.example.com' },
    ]);
    expect(ls.map((l) => l.conditions.find((c) => c.type === 'Conflicted')?.reason)).toEqual([
      'HostnameConflict',
      'HostnameConflict',
      'NoConflicts',
    ]);
    expect(ls.map((l) => l.attachable)).toEqual([false, false, true]);
  });
});

describe('buildGatewayStatus', () => {
  const listeners = evaluateListeners([{ name: 'http', port: 80, protocol: 'HTTP' }]);
  const base = {
    generation: 1,
    listeners,
    attachedRoutes: new Map([['http', 2]]),
    serviceHost: 'gw-istio.ns.svc.cluster.local',
  };

  it("without an address: Accepted, Programmed=False/AddressNotAssigned with Istio's message, no addresses", () => {
    const s = buildGatewayStatus(undefined, base, T0);
    expect(cond(s, 'Accepted')).toMatchObject({ status: 'True', reason: 'Accepted', observedGeneration: 1 });
    expect(cond(s, 'Programmed')).toMatchObject({
      status: 'False',
      reason: 'AddressNotAssigned',
      message:
        'Assigned to service(s) gw-istio.ns.svc.cluster.local:80, but failed to assign to all requested addresses: address pending for hostname "gw-istio.ns.svc.cluster.local"',
    });
    expect(s.addresses).toBeUndefined();
    expect(s.listeners?.[0]).toMatchObject({ name: 'http', attachedRoutes: 2 });
  });

  it('with an address: Programmed=True and status.addresses, transition time moves only for the changed condition', () => {
    const before = buildGatewayStatus(undefined, base, T0);
    const after = buildGatewayStatus(before, { ...base, generation: 2, address: '127.0.0.1' }, T1);
    expect(after.addresses).toEqual([{ type: 'IPAddress', value: '127.0.0.1' }]);
    expect(cond(after, 'Programmed')).toMatchObject({
      status: 'True',
      reason: 'Programmed',
      message: 'Resource programmed, assigned to service(s) gw-istio.ns.svc.cluster.local:80',
      observedGeneration: 2,
      lastTransitionTime: T1,
    });
    expect(cond(after, 'Accepted')).toMatchObject({ observedGeneration: 2, lastTransitionTime: T0 });
    expect(after.listeners?.[0].conditions.every((c) => c.observedGeneration === 2)).toBe(true);
  });

  it('is stable: recomputing from its own output changes nothing', () => {
    const once = buildGatewayStatus(undefined, { ...base, address: '127.0.0.1' }, T0);
    expect(buildGatewayStatus(once, { ...base, address: '127.0.0.1' }, T1)).toEqual(once);
  });

  it('a Gateway with some invalid listeners is accepted with reason ListenersNotValid, naming them', () => {
    const s = buildGatewayStatus(
      undefined,
      {
        ...base,
        listeners: evaluateListeners([
          { name: 'http', port: 80, protocol: 'HTTP' },
          { name: 'invalid', port: 1111, protocol: 'INVALID' },
        ]),
      },
      T0,
    );
    expect(cond(s, 'Accepted')).toMatchObject({
      status: 'True',
      reason: 'ListenersNotValid',
      message: 'Resource accepted, but listener(s) invalid are invalid',
    });
  });

  it('a Gateway whose parametersRef cannot be used is not accepted (InvalidParameters) nor programmed', () => {
    const s = buildGatewayStatus(
      undefined,
      {
        ...base,
        address: '127.0.0.1',
        invalidParameters: 'parametersRef invalid.io/InvalidParameters x is not supported',
      },
      T0,
    );
    expect(cond(s, 'Accepted')).toMatchObject({
      status: 'False',
      reason: 'InvalidParameters',
      message: 'parametersRef invalid.io/InvalidParameters x is not supported',
    });
    expect(cond(s, 'Programmed')).toMatchObject({ status: 'False', reason: 'Invalid' });
  });

  it('a Gateway whose listeners are all invalid is not accepted', () => {
    const s = buildGatewayStatus(
      undefined,
      { ...base, listeners: evaluateListeners([{ name: 'x', port: 1, protocol: 'UDP' }]) },
      T0,
    );
    expect(cond(s, 'Accepted')).toMatchObject({ status: 'False', reason: 'ListenersNotValid' });
  });
});

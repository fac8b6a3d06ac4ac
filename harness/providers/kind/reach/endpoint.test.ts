import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../kube/types.ts';
import { withFakeTimers } from '../../../fake-timers.test-helper.ts';
import { createMemoryLogger } from '../../../log.ts';
import { GatewayReach, type ReachConfig, type ReachDeps } from './endpoint.ts';
import type { ReachFacts } from './unreachable.ts';

const gateway = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'external-gateway', namespace: 'istio-system' },
  spec: { listeners: [{ name: 'http', port: 80 }] },
  status: { addresses: [{ type: 'IPAddress', value: '172.18.255.200' }] },
} as KubeObject;
const ref = { namespace: 'istio-system', name: 'external-gateway' };
const linux: ReachConfig = {
  mode: 'auto',
  routing: { routable: true, why: 'a local engine on Linux: the kind network is routable from this host' },
  relayImage: 'relay:1',
  network: 'kind',
  labels: { 'kindgate.relay': 't' },
  directWaitMs: 180_000,
};
const dockerDesktop: ReachConfig = {
  ...linux,
  routing: { routable: false, why: 'Docker Desktop runs the engine in a VM' },
};
const facts: ReachFacts = {
  service: 'Service istio-system/external-gateway-istio (LoadBalancer, 172.18.255.200)',
  endpoints: '0 of 1 endpoints ready in 1 EndpointSlice',
  speaker: 'DaemonSet metallb-system/speaker: 1/1 pods Ready (ready)',
  events: ['2026-01-02T03:04:05Z Normal Service external-gateway-istio IPAllocated: Assigned IP ["172.18.255.200"]'],
  podsHint: 'kubectl -n istio-system get pods -l gateway.networking.k8s.io/gateway-name=external-gateway',
};

/** Fakes that record when each connect was tried, in ms after the first (the tests run under fake timers). */
function fakes(acceptFromAttempt: number | undefined) {
  let first: number | undefined;
  const connects: number[] = [];
  const relays: string[] = [];
  const explained: string[] = [];
  const deps: ReachDeps = {
    getGateway: async () => gateway,
    connectable: async () => {
      first ??= Date.now();
      connects.push(Date.now() - first);
      return acceptFromAttempt !== undefined && connects.length >= acceptFromAttempt;
    },
    startRelay: async (spec) => {
      relays.push(`${spec.target.host}:${spec.target.port}`);
      return { id: 'r', endpoint: { host: '127.0.0.1', port: 40000 }, stop: async () => undefined };
    },
    explainUnreachable: async (g, target) => {
      explained.push(`${g.namespace}/${g.name} ${target.host}:${target.port}`);
      return facts;
    },
  };
  return { deps, connects, relays, explained };
}

describe('GatewayReach --reach auto where the kind network is routable (Linux, local engine)', () => {
  it('keeps trying while MetalLB does not answer yet and goes direct once a connect works', async () => {
    const f = fakes(4);
    const log = createMemoryLogger();
    const endpoint = await withFakeTimers(() => new GatewayReach(linux, f.deps, log).endpoint(ref, 'http'));
    expect(endpoint).toEqual({ host: '172.18.255.200', port: 80 });
    expect(f.connects).toHaveLength(4);
    expect(f.relays).toEqual([]);
    expect(log.lines.some((l) => l.includes('relay'))).toBe(false);
  });

  it('waits the whole gateway timeout, never starts a relay, and fails naming the Service, its endpoints, the speaker and events', async () => {
    const f = fakes(undefined);
    const reach = new GatewayReach(linux, f.deps, createMemoryLogger());
    const error = await withFakeTimers(() => reach.endpoint(ref, 'http').catch((e) => e));
    // Backoff 250 ms doubling to 4 s, the last pause cut to the window: the last try at 180 s, none after.
    expect(f.connects.slice(0, 5)).toEqual([0, 250, 750, 1750, 3750]);
    expect(f.connects.at(-1)).toBe(180_000);
    expect(f.relays).toEqual([]);
    expect(f.explained).toEqual(['istio-system/external-gateway 172.18.255.200:80']);
    expect(error.exitCode).toBe(4);
    expect(error.message).toBe(
      '172.18.255.200:80 (the address of Gateway istio-system/external-gateway) did not accept a TCP connection within 180 s, ' +
        'although the kind network is routable from this host: Service istio-system/external-gateway-istio ' +
        '(LoadBalancer, 172.18.255.200) has 0 of 1 endpoints ready in 1 EndpointSlice; ' +
        'MetalLB speaker DaemonSet metallb-system/speaker: 1/1 pods Ready (ready); recent events: ' +
        '2026-01-02T03:04:05Z Normal Service external-gateway-istio IPAllocated: Assigned IP ["172.18.255.200"]; ' +
        "MetalLB answers ARP for the address only while the Service has a ready endpoint, so check the Gateway's pods " +
        '(kubectl -n istio-system get pods -l gateway.networking.k8s.io/gateway-name=external-gateway).',
    );
    expect(reach.unreachable).toEqual([
      { gateway: ref, target: { host: '172.18.255.200', port: 80 }, waitedMs: 180_000, facts },
    ]);
  });

  it('a teardown during the wait ends it at once, without a diagnosis', async () => {
    const f = fakes(undefined);
    const controller = new AbortController();
    const reach = new GatewayReach({ ...linux, signal: controller.signal }, f.deps, createMemoryLogger());
    const waiting = reach.endpoint(ref, 'http').catch((e) => e);
    await new Promise((r) => setTimeout(r, 50));
    controller.abort(new Error('teardown began'));
    expect((await waiting).message).toBe('teardown began');
    expect(f.explained).toEqual([]);
  });
});

describe('GatewayReach --reach auto where the kind network is not routable', () => {
  it('uses one relay per target at once (no connect tries), saying why once', async () => {
    const f = fakes(1);
    const log = createMemoryLogger();
    const reach = new GatewayReach(dockerDesktop, f.deps, log);
    expect(await reach.endpoint(ref, 'http')).toEqual({ host: '127.0.0.1', port: 40000 });
    expect(await reach.endpoint(ref, 'http')).toEqual({ host: '127.0.0.1', port: 40000 });
    expect(f.connects).toEqual([]);
    expect(f.relays).toEqual(['172.18.255.200:80']);
    expect(log.lines).toEqual([
      '  reaching Gateways through a relay container: Docker Desktop runs the engine in a VM',
    ]);
  });
});

describe('GatewayReach --reach relay and direct', () => {
  it('never probes in relay mode and never relays in direct mode, whatever the host', async () => {
    const relay = fakes(1);
    expect(
      await new GatewayReach({ ...linux, mode: 'relay' }, relay.deps, createMemoryLogger()).endpoint(ref, 'http'),
    ).toEqual({ host: '127.0.0.1', port: 40000 });
    expect(relay.connects).toEqual([]);
    const direct = fakes(undefined);
    expect(
      await new GatewayReach({ ...dockerDesktop, mode: 'direct' }, direct.deps, createMemoryLogger()).endpoint(
        ref,
        'http',
      ),
    ).toEqual({ host: '172.18.255.200', port: 80 });
    expect(direct.relays).toEqual([]);
    expect(direct.connects).toEqual([]);
  });
});

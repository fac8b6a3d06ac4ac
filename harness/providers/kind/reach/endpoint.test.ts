import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../kube/types.ts';
import { withFakeTimers } from '../../../fake-timers.test-helper.ts';
import { createMemoryLogger } from '../../../log.ts';
import { GatewayReach, type ReachConfig, type ReachDeps } from './endpoint.ts';

const gateway = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'external-gateway', namespace: 'istio-system' },
  spec: { listeners: [{ name: 'http', port: 80 }] },
  status: { addresses: [{ type: 'IPAddress', value: '172.18.255.200' }] },
} as KubeObject;
const ref = { namespace: 'istio-system', name: 'external-gateway' };
const config: ReachConfig = {
  mode: 'auto',
  relayImage: 'relay:1',
  network: 'kind',
  labels: { 'kindgate.relay': 't' },
  directWindowMs: 30_000,
};

/** Fakes that record when each connect was tried, in ms after the first (the tests run under fake timers). */
function fakes(acceptFromAttempt: number | undefined) {
  let first: number | undefined;
  const connects: number[] = [];
  const relays: string[] = [];
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
  };
  return { deps, connects, relays };
}

describe('GatewayReach --reach auto', () => {
  it('keeps trying while MetalLB does not answer yet and goes direct once a connect works', async () => {
    const f = fakes(4);
    const log = createMemoryLogger();
    const endpoint = await withFakeTimers(() => new GatewayReach(config, f.deps, log).endpoint(ref, 'http'));
    expect(endpoint).toEqual({ host: '172.18.255.200', port: 80 });
    expect(f.connects).toHaveLength(4);
    expect(f.relays).toEqual([]);
    expect(log.lines.some((l) => l.includes('relay'))).toBe(false);
  });

  it('falls back to one relay after the window, logs it once, and does not probe that target again', async () => {
    const f = fakes(undefined);
    const log = createMemoryLogger();
    const reach = new GatewayReach(config, f.deps, log);
    expect(await withFakeTimers(() => reach.endpoint(ref, 'http'))).toEqual({ host: '127.0.0.1', port: 40000 });
    const tries = f.connects.length;
    // Backoff 250 ms doubling to 4 s, the last pause cut to the window: tries at 0, 250, 750, … 27750, 30000.
    expect(f.connects.slice(0, 5)).toEqual([0, 250, 750, 1750, 3750]);
    expect(f.connects.at(-1)).toBe(30_000); // it used the window, and no try came after it
    expect(tries).toBe(12);
    await reach.endpoint(ref, 'http');
    expect(f.connects).toHaveLength(tries);
    expect(f.relays).toEqual(['172.18.255.200:80']);
    expect(log.lines.filter((l) => l.includes('using a relay container'))).toEqual([
      '  172.18.255.200:80 did not accept a TCP connection within 30 s (Docker Desktop?); using a relay container',
    ]);
  });

  it('never probes in relay mode and never relays in direct mode', async () => {
    const relay = fakes(1);
    expect(
      await new GatewayReach({ ...config, mode: 'relay' }, relay.deps, createMemoryLogger()).endpoint(ref, 'http'),
    ).toEqual({ host: '127.0.0.1', port: 40000 });
    expect(relay.connects).toEqual([]);
    const direct = fakes(undefined);
    expect(
      await new GatewayReach({ ...config, mode: 'direct' }, direct.deps, createMemoryLogger()).endpoint(ref, 'http'),
    ).toEqual({ host: '172.18.255.200', port: 80 });
    expect(direct.relays).toEqual([]);
  });
});

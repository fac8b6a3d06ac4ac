import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../kube/types.ts';
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

/** A fake clock: sleeping advances it, so the retry window passes without real waiting. */
function fakes(acceptFromAttempt: number | undefined) {
  let clock = 0;
  const connects: number[] = [];
  const relays: string[] = [];
  const deps: ReachDeps = {
    getGateway: async () => gateway,
    connectable: async () => {
      connects.push(clock);
      return acceptFromAttempt !== undefined && connects.length >= acceptFromAttempt;
    },
    startRelay: async (spec) => {
      relays.push(`${spec.target.host}:${spec.target.port}`);
      return { id: 'r', endpoint: { host: '127.0.0.1', port: 40000 }, stop: async () => undefined };
    },
    now: () => clock,
    sleep: async (ms) => void (clock += ms),
  };
  return { deps, connects, relays };
}

describe('GatewayReach --reach auto', () => {
  it('keeps trying while MetalLB does not answer yet and goes direct once a connect works', async () => {
    const f = fakes(4);
    const log = createMemoryLogger();
    const endpoint = await new GatewayReach(config, f.deps, log).endpoint(ref, 'http');
    expect(endpoint).toEqual({ host: '172.18.255.200', port: 80 });
    expect(f.connects).toHaveLength(4);
    expect(f.relays).toEqual([]);
    expect(log.lines.some((l) => l.includes('relay'))).toBe(false);
  });

  it('falls back to one relay after the window, logs it once, and does not probe that target again', async () => {
    const f = fakes(undefined);
    const log = createMemoryLogger();
    const reach = new GatewayReach(config, f.deps, log);
    expect(await reach.endpoint(ref, 'http')).toEqual({ host: '127.0.0.1', port: 40000 });
    const tries = f.connects.length;
    expect(tries).toBeGreaterThan(3);
    expect(f.connects.at(-1)).toBeLessThanOrEqual(30_000); // bounded: no try after the window
    expect(f.connects.at(-1)).toBeGreaterThanOrEqual(25_000); // but it used the window
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

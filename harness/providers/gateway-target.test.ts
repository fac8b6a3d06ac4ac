import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/types.ts';
import { gatewayTarget } from './gateway-target.ts';

const ref = { namespace: 'istio-system', name: 'external-gateway' };
const HINT = 'check that MetalLB assigned an address (kubectl -n metallb-system logs deploy/controller)';

function gateway(addresses: { type?: string; value: string }[], listeners = [{ name: 'http', port: 80 }]): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: ref.name, namespace: ref.namespace },
    spec: { listeners },
    status: { addresses },
  };
}

describe('gatewayTarget', () => {
  it('is the status address and the listener port, preferring an IPAddress over a Hostname', () => {
    expect(gatewayTarget(gateway([{ type: 'IPAddress', value: '172.18.255.200' }]), ref, 'http', HINT)).toEqual({
      host: '172.18.255.200',
      port: 80,
    });
    const both = gateway([
      { type: 'Hostname', value: 'gw.example.com' },
      { type: 'IPAddress', value: '10.0.0.7' },
    ]);
    expect(gatewayTarget(both, ref, 'http', HINT).host).toBe('10.0.0.7');
    expect(gatewayTarget(gateway([{ type: 'Hostname', value: 'gw.example.com' }]), ref, 'http', HINT).host).toBe(
      'gw.example.com',
    );
  });

  it('says what is missing, in one sentence each', () => {
    expect(() => gatewayTarget(undefined, ref, 'http', HINT)).toThrow(
      'Gateway istio-system/external-gateway does not exist; apply the fixtures first.',
    );
    expect(() => gatewayTarget(gateway([{ value: '10.0.0.7' }]), ref, 'https', HINT)).toThrow(
      'Gateway istio-system/external-gateway has no listener named "https"; check the fixture\'s spec.listeners.',
    );
    expect(() => gatewayTarget(gateway([{ value: '' }]), ref, 'http', HINT)).toThrow(
      `Gateway istio-system/external-gateway has no status.addresses, so there is nothing to send requests to; ${HINT}.`,
    );
  });
});

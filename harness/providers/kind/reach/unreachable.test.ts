import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../kube/types.ts';
import { gatherReachFacts, reachReport, type ReachKube } from './unreachable.ts';

const speakerRef = { apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'metallb-system', name: 'speaker' };
const gw = { namespace: 'apps-gateway', name: 'external-gateway' };
const target = { host: '172.18.255.200', port: 80 };

const service = (name: string, labels: Record<string, string>) =>
  ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'apps-gateway', labels },
    spec: { type: 'LoadBalancer' },
    status: { loadBalancer: { ingress: [{ ip: '172.18.255.200' }] } },
  }) as KubeObject;

const event = (involved: string, reason: string, message: string, at: string) =>
  ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${involved}.1`, creationTimestamp: at },
    type: 'Normal',
    reason,
    message,
    involvedObject: { kind: involved.startsWith('speaker') ? 'Pod' : 'Service', name: involved },
    lastTimestamp: at,
  }) as KubeObject;

/** A cluster whose Service is not named `<gw>-istio`: it is found by the Gateway's name label. */
function cluster(opts: { labelled: boolean; failEvents?: boolean }): ReachKube & { selectors: string[] } {
  const selectors: string[] = [];
  const svc = service('edge-lb', opts.labelled ? { 'gateway.networking.k8s.io/gateway-name': 'external-gateway' } : {});
  return {
    selectors,
    async list(_apiVersion, kind, o = {}) {
      selectors.push(`${kind} ${o.labelSelector ?? '*'}`);
      if (kind === 'Service') return !o.labelSelector || opts.labelled ? [svc] : [];
      if (kind === 'EndpointSlice' && o.labelSelector === 'kubernetes.io/service-name=edge-lb') {
        return [{ endpoints: [{ conditions: { ready: false } }, { conditions: {} }] } as unknown as KubeObject];
      }
      return [];
    },
    async get() {
      return {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'speaker', namespace: 'metallb-system', generation: 1 },
        status: { observedGeneration: 1, desiredNumberScheduled: 1, numberReady: 0 },
      } as KubeObject;
    },
    async events(namespace) {
      if (opts.failEvents) throw new Error('events are forbidden');
      return namespace === 'metallb-system'
        ? [event('speaker-x', 'Unhealthy', 'Readiness probe failed', '2026-01-02T03:00:00Z')]
        : [
            event('other', 'Created', 'not ours', '2026-01-02T02:00:00Z'),
            event('edge-lb', 'IPAllocated', 'Assigned IP ["172.18.255.200"]', '2026-01-02T02:59:00Z'),
          ];
    },
  };
}

describe('why a Gateway address does not answer', () => {
  it("finds the Gateway's Service by its name label, counts ready endpoints, reads the speaker and recent events", async () => {
    const kube = cluster({ labelled: true });
    const facts = await gatherReachFacts(kube, gw, target, speakerRef);
    expect(kube.selectors[0]).toBe('Service gateway.networking.k8s.io/gateway-name=external-gateway');
    expect(facts).toEqual({
      service: 'Service apps-gateway/edge-lb (LoadBalancer, 172.18.255.200)',
      endpoints: '1 of 2 endpoints ready in 1 EndpointSlice',
      speaker: 'DaemonSet metallb-system/speaker: 0/1 pods Ready (not ready)',
      events: [
        '2026-01-02T02:59:00Z Normal Service edge-lb IPAllocated: Assigned IP ["172.18.255.200"]',
        '2026-01-02T03:00:00Z Normal Pod speaker-x Unhealthy: Readiness probe failed',
      ],
      podsHint: 'kubectl -n apps-gateway get pods -l gateway.networking.k8s.io/gateway-name=external-gateway',
    });
    expect(reachReport(gw, target, 180_000, facts)).toContain('- Service: Service apps-gateway/edge-lb');
  });

  it('without the label, the LoadBalancer Service holding the address; a fact that cannot be read says so', async () => {
    const facts = await gatherReachFacts(cluster({ labelled: false, failEvents: true }), gw, target, speakerRef);
    expect(facts.service).toBe('Service apps-gateway/edge-lb (LoadBalancer, 172.18.255.200)');
    expect(facts.endpoints).toBe('1 of 2 endpoints ready in 1 EndpointSlice');
    expect(facts.events).toEqual(['events could not be read (events are forbidden)']);
  });
});

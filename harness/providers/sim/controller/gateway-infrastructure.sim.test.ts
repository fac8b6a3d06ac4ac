import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../apiserver/store.ts';
import { GW, namespace, waitFor, ISTIO_LIKE } from './cluster-objects.test-helper.ts';
import { type SimController, startController } from './controller.ts';

/** spec.infrastructure's labels and annotations on every object generated for a Gateway. */
describe('sim controller: Gateway infrastructure metadata', () => {
  const store = new Store();
  let controller: SimController;
  const NS = 'infra-meta';

  beforeAll(async () => {
    controller = await startController(store, {
      ...ISTIO_LIKE,
      addressDelayMs: 10,
    });
    store.create(namespace(NS));
    store.create({
      apiVersion: GW,
      kind: 'Gateway',
      metadata: { name: 'labelled', namespace: NS },
      spec: {
        gatewayClassName: 'istio',
        infrastructure: { labels: { team: 'edge' }, annotations: { key1: 'value1' } },
        listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }],
      },
    });
    await waitFor(store, 'gateway pod', () =>
      store.list('v1', 'Pod', NS).find((p) => p.metadata.labels?.['gateway.networking.k8s.io/gateway-name']),
    );
  });

  afterAll(async () => {
    await controller?.stop();
  });

  it('puts them on the Service, the Deployment and the gateway pods', () => {
    const pod = store.list('v1', 'Pod', NS).find((p) => p.metadata.labels?.['gateway.networking.k8s.io/gateway-name'])!;
    for (const obj of [
      store.get('v1', 'Service', NS, 'labelled-istio')!,
      store.get('apps/v1', 'Deployment', NS, 'labelled-istio')!,
      pod,
    ]) {
      expect(obj.metadata.labels).toMatchObject({ team: 'edge', 'gateway.networking.k8s.io/gateway-name': 'labelled' });
      expect(obj.metadata.annotations).toMatchObject({ key1: 'value1' });
    }
  });
});

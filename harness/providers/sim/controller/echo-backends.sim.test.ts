import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../types.ts';
import { type KubeObject, Store } from '../apiserver/store.ts';
import { rawRequest } from '../raw-http.test-helper.ts';
import { GW, httpRoute, namespace, waitFor, ISTIO_LIKE } from './cluster-objects.test-helper.ts';
import { type SimController, startController } from './controller.ts';
import { podOwnedBy } from './workloads.ts';

/**
 * The upstream conformance suite's backends (conformance/base/manifests.yaml at v1.6.1): echo-basic
 * Deployments with POD_NAME and NAMESPACE from the Downward API, two replicas, behind a Service.
 * Each pod is its own endpoint and answers with its own name, as the suite checks.
 */

const NS = 'gateway-conformance-infra';

function echoDeployment(name: string, replicas: number, extraEnv: { name: string; value: string }[] = []): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name,
              image: 'registry.k8s.io/gateway-api/echo-basic:v1.5.1',
              env: [
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                ...extraEnv,
              ],
            },
          ],
        },
      },
    },
  };
}

function echoService(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NS },
    spec: { selector: { app: name }, ports: [{ protocol: 'TCP', port: 8080, targetPort: 3000 }] },
  };
}

describe('sim controller: echo-basic backends', () => {
  const store = new Store();
  let controller: SimController;
  let endpoint: Endpoint;
  const podNames = () =>
    store
      .list('v1', 'Pod', NS)
      .filter((p) => podOwnedBy(p, 'infra-backend-v1'))
      .map((p) => p.metadata.name)
      .sort();
  const echo = async () => {
    const res = await rawRequest(endpoint, '/echo', { host: 'echo.example.com' });
    return res.status === 200 ? JSON.parse(res.body) : { status: res.status };
  };

  beforeAll(async () => {
    controller = await startController(store, {
      ...ISTIO_LIKE,
      addressDelayMs: 10,
    });
    for (const obj of [
      namespace(NS),
      echoDeployment('infra-backend-v1', 2),
      echoService('infra-backend-v1'),
      {
        apiVersion: GW,
        kind: 'Gateway',
        metadata: { name: 'same-namespace', namespace: NS },
        spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
      },
      httpRoute('echo', NS, {
        parentRefs: [{ name: 'same-namespace' }],
        rules: [{ backendRefs: [{ name: 'infra-backend-v1', port: 8080 }] }],
      }),
    ])
      store.create(obj);
    endpoint = await waitFor(store, 'listener served', () =>
      controller.endpoint({ namespace: NS, name: 'same-namespace' }, 'http'),
    );
  });

  afterAll(async () => {
    await controller?.stop();
  });

  it('answers with each pod name and namespace from the Downward API, every replica an endpoint', async () => {
    const pods = podNames();
    expect(pods).toHaveLength(2);
    const seen = new Set<string>();
    for (let i = 0; i < 40 && seen.size < 2; i++) {
      const body = await echo();
      expect(body).toMatchObject({ namespace: NS, host: 'echo.example.com', method: 'GET', path: '/echo' });
      expect(body.pod).toMatch(/^infra-backend-v1-/);
      seen.add(body.pod);
    }
    expect([...seen].sort()).toEqual(pods);
  });

  it("gives a pod deleted by hand a successor that answers with the new pod's name", async () => {
    const [gone, kept] = podNames();
    store.delete('v1', 'Pod', NS, gone);
    await waitFor(store, 'a new pod', () => (podNames().length === 2 && !podNames().includes(gone) ? true : undefined));
    const successor = podNames().find((p) => p !== kept)!;
    const seen = new Set<string>();
    for (let i = 0; i < 40 && seen.size < 2; i++) seen.add((await echo()).pod);
    expect([...seen].sort()).toEqual([kept, successor].sort());
  });

  it('sends a Service without selector to the pods its EndpointSlices list, and a headless one by selector', async () => {
    const ips = store
      .list('v1', 'Pod', NS)
      .filter((p) => podOwnedBy(p, 'infra-backend-v1'))
      .map((p) => (p.status as { podIP: string }).podIP);
    expect(new Set(ips).size).toBe(ips.length); // pod IPs are unique
    store.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'manual', namespace: NS },
      spec: { ports: [{ port: 8080, targetPort: 3000 }] },
    });
    store.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'headless', namespace: NS },
      spec: { clusterIP: 'None', selector: { app: 'infra-backend-v1' }, ports: [{ port: 8080, targetPort: 3000 }] },
    });
    store.create(
      httpRoute('service-types', NS, {
        parentRefs: [{ name: 'same-namespace' }],
        hostnames: ['types.example.com'],
        rules: [
          { matches: [{ path: { type: 'Exact', value: '/manual' } }], backendRefs: [{ name: 'manual', port: 8080 }] },
          {
            matches: [{ path: { type: 'Exact', value: '/headless' } }],
            backendRefs: [{ name: 'headless', port: 8080 }],
          },
        ],
      }),
    );
    const get = (path: string) => rawRequest(endpoint, path, { host: 'types.example.com' });
    await waitFor(store, 'route accepted', () =>
      store.get(GW, 'HTTPRoute', NS, 'service-types')?.status ? true : undefined,
    );
    expect((await get('/manual')).status).toBe(503); // no EndpointSlice yet
    store.create({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'manual-ip4', namespace: NS, labels: { 'kubernetes.io/service-name': 'manual' } },
      addressType: 'IPv4',
      ports: [{ port: 3000 }],
      endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    } as KubeObject);
    const manual = await get('/manual');
    expect(manual.status).toBe(200);
    expect(JSON.parse(manual.body).pod).toMatch(/^infra-backend-v1-/);
    const headless = await get('/headless');
    expect(JSON.parse(headless.body).pod).toMatch(/^infra-backend-v1-/);
  });

  it('does not accept nor serve a Gateway whose parametersRef cannot be used; a ConfigMap of its namespace can', async () => {
    store.create({
      apiVersion: GW,
      kind: 'Gateway',
      metadata: { name: 'with-parameters', namespace: NS },
      spec: {
        gatewayClassName: 'istio',
        listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }],
        infrastructure: { parametersRef: { group: '', kind: 'ConfigMap', name: 'gw-options' } },
      },
    });
    const accepted = () =>
      (
        (store.get(GW, 'Gateway', NS, 'with-parameters')?.status as { conditions?: { type: string }[] })?.conditions ??
        []
      ).find((c) => c.type === 'Accepted') as { status: string; reason: string; message: string } | undefined;
    expect(await waitFor(store, 'Accepted', accepted)).toMatchObject({
      status: 'False',
      reason: 'InvalidParameters',
      message: `parametersRef ConfigMap ${NS}/gw-options does not exist`,
    });
    expect(controller.endpoint({ namespace: NS, name: 'with-parameters' }, 'http')).toBeUndefined();
    store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gw-options', namespace: NS } });
    await waitFor(store, 'accepted', () => (accepted()?.status === 'True' ? true : undefined));
    await waitFor(store, 'served', () => controller.endpoint({ namespace: NS, name: 'with-parameters' }, 'http'));
  });

  it('rolls its pods when the template changes; the new environment is what answers', async () => {
    const before = podNames();
    const current = store.get('apps/v1', 'Deployment', NS, 'infra-backend-v1')!;
    const { resourceVersion: _rv, ...metadata } = current.metadata;
    store.update({
      ...echoDeployment('infra-backend-v1', 1, [{ name: 'HTTP_PORT', value: '3100' }]),
      metadata: metadata as KubeObject['metadata'],
    });
    await waitFor(store, 'rolled', () =>
      podNames().length === 1 && !before.includes(podNames()[0]) ? true : undefined,
    );
    // The new pod's server starts in the controller pass that created the pod: ask until it answers.
    let body = await echo();
    for (let i = 0; i < 50 && body.pod !== podNames()[0]; i++) {
      await new Promise((r) => setTimeout(r, 20));
      body = await echo();
    }
    expect(body).toMatchObject({ pod: podNames()[0], httpPort: '3100' });
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WaitTimeoutError } from '../errors.ts';
import { kubeconfigFor, startApiServer, type SimApiServer } from '../providers/sim/apiserver/server.ts';
import { Store } from '../providers/sim/apiserver/store.ts';
import { Kube, KubeApiError } from './client.ts';
import { conditionHolds } from './conditions.ts';
import type { KubeObject, ObjectRef } from './types.ts';

/** The Kube client against the simulated API server: real client-node, real HTTP, real watches. */

let api: SimApiServer;
let store: Store;
let dir: string;
let kube: Kube;

beforeAll(async () => {
  store = new Store();
  api = await startApiServer({
    store,
    podLogs: (ns, pod) => (ns === 'apps' && pod === 'httpbin-0' ? 'line 1\nline 2\nline 3\n' : undefined),
  });
  dir = mkdtempSync(join(tmpdir(), 'kindgate-kube-sim-'));
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, kubeconfigFor(api));
  kube = Kube.fromFile(path);
});

afterAll(async () => {
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const gatewayRef: ObjectRef = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  namespace: 'apps',
  name: 'external-gateway',
};

const manifests = `
apiVersion: v1
kind: Namespace
metadata: {name: apps}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: external-gateway}
spec:
  gatewayClassName: istio
  listeners:
  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, labels: {app: httpbin}}
data: {greeting: hello}
`;

function setProgrammed(status: 'True' | 'False'): void {
  const gw = store.get(gatewayRef.apiVersion, 'Gateway', 'apps', 'external-gateway')!;
  const generation = gw.metadata.generation;
  store.updateStatus({
    ...gw,
    status: {
      conditions: [
        { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'ok', observedGeneration: generation },
        status === 'True'
          ? { type: 'Programmed', status: 'True', reason: 'Programmed', message: 'ok', observedGeneration: generation }
          : {
              type: 'Programmed',
              status: 'False',
              reason: 'AddressNotAssigned',
              message: 'no address yet',
              observedGeneration: generation,
            },
      ],
    },
  });
}

describe('Kube against the sim API server', () => {
  it('applies multi-document YAML in order, defaulting the namespace of namespaced objects', async () => {
    const applied = await kube.apply(manifests, { namespace: 'apps' });
    expect(applied.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'Namespace /apps',
      'Gateway apps/external-gateway',
      'ConfigMap apps/settings',
    ]);
    expect(store.get('v1', 'ConfigMap', 'apps', 'settings')?.data).toEqual({ greeting: 'hello' });
    // Re-applying the same manifests changes nothing (no generation bump).
    await kube.apply(manifests, { namespace: 'apps' });
    expect((await kube.get(gatewayRef))?.metadata.generation).toBe(1);
  });

  it('gets, lists (with labels) and deletes', async () => {
    expect((await kube.get(gatewayRef))?.spec).toMatchObject({ gatewayClassName: 'istio' });
    expect(await kube.get({ ...gatewayRef, name: 'nope' })).toBeUndefined();
    const cms = await kube.list('v1', 'ConfigMap', { namespace: 'apps', labelSelector: 'app=httpbin' });
    expect(cms.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).toEqual(['v1 ConfigMap settings']);
    expect(await kube.list('v1', 'ConfigMap', { namespace: 'apps', labelSelector: 'app=other' })).toEqual([]);
    await kube.apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'doomed', namespace: 'apps' } }]);
    expect(await kube.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'doomed' })).toBe(true);
    expect(await kube.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'doomed' })).toBe(false);
  });

  it('waitFor resolves when the status is updated later (through the watch)', async () => {
    setProgrammed('False');
    const updated = new Promise<void>((resolve) =>
      setTimeout(() => {
        setProgrammed('True');
        resolve();
      }, 300),
    );
    const gw = await kube.waitFor(gatewayRef, (o) => conditionHolds(o, 'Programmed'), {
      timeoutMs: 10_000,
      what: 'Programmed=True',
    });
    await updated;
    expect(conditionHolds(gw, 'Programmed')).toBe(true);
  });

  it('waitFor sees an object that is created after the wait started', async () => {
    const ref: ObjectRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'late' };
    const creating = new Promise((r) => setTimeout(r, 200)).then(() =>
      kube.apply([
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late', namespace: 'apps' }, data: { k: 'v' } },
      ]),
    );
    const cm = (await kube.waitFor(ref, (o) => o !== undefined, { timeoutMs: 10_000 })) as KubeObject & {
      data?: Record<string, string>;
    };
    await creating;
    expect(cm.data).toEqual({ k: 'v' });
  });

  it('waitFor times out naming the object, its last conditions and what it waited for', async () => {
    setProgrammed('False');
    const err = await kube
      .waitFor(gatewayRef, (o) => conditionHolds(o, 'Programmed'), { timeoutMs: 500, what: 'Programmed=True' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect(err.message).toBe(
      'Gateway apps/external-gateway: Accepted=True, Programmed=False (AddressNotAssigned: no address yet) after 0.5 s; waited for Programmed=True',
    );
  });

  it('says a kind is unknown to the cluster when its CRDs are not installed', async () => {
    const err = await kube
      .apply(
        `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: kind-pool, namespace: metallb-system}
spec: {addresses: [172.18.255.200-172.18.255.250]}
`,
      )
      .catch((e) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err.message).toBe(
      `server-side apply of IPAddressPool metallb-system/kind-pool failed: the kind IPAddressPool (metallb.io/v1beta1) is unknown to the cluster at ${api.url}; install its CRDs first (for Gateway API kinds: the Gateway API standard-install.yaml bundle).`,
    );
  });

  it('reads pod logs and events, and waits for the API', async () => {
    await kube.waitForApi(2_000);
    expect(await kube.podLogs('apps', 'httpbin-0', { tailLines: 2 })).toContain('line 3');
    expect(Array.isArray(await kube.events('apps'))).toBe(true);
  });
});

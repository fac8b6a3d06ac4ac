import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  type KubernetesObject,
} from '@kubernetes/client-node';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeconfigFor, startApiServer, type SimApiServer } from './server.ts';
import { Store, type KubeObject } from './store.ts';

// The sim API server against the real @kubernetes/client-node: what the harness's kube helper
// relies on (server-side apply, read, list, delete, status, watch) and the error shapes it parses.

let server: SimApiServer;
let kc: KubeConfig;
let objects: KubernetesObjectApi;
let token: string;

beforeAll(async () => {
  server = await startApiServer({
    store: new Store(),
    podLogs: (ns, pod, container) =>
      pod === 'gw-pod' ? `starting ${ns}/${pod}/${container}\nready\nserving\n` : undefined,
  });
  const text = kubeconfigFor(server);
  token = (YAML.parse(text) as { users: { user: { token: string } }[] }).users[0].user.token;
  kc = new KubeConfig();
  kc.loadFromString(text);
  objects = KubernetesObjectApi.makeApiClient(kc);
});
afterAll(async () => {
  await server?.close();
});

const GW = 'gateway.networking.k8s.io/v1';
type Manifest = KubernetesObject & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string };
};
const gateway = (ns: string, name: string, spec: Record<string, unknown>, labels?: Record<string, string>): Manifest =>
  ({
    apiVersion: GW,
    kind: 'Gateway',
    metadata: { name, namespace: ns, ...(labels ? { labels } : {}) },
    spec,
  }) as Manifest;
const apply = (obj: Manifest, manager = 'kindgate', force?: boolean) =>
  objects.patch(obj, undefined, undefined, manager, force, PatchStrategy.ServerSideApply) as Promise<
    KubeObject & KubernetesObject
  >;
const namespace = (name: string) => apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

async function statusOf(promise: Promise<unknown>): Promise<{ code: number; status: Record<string, any> }> {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    const body = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
    return { code: err.code, status: body };
  }
  throw new Error('expected the request to fail');
}

function raw(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(server.url + path, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
  });
}

describe('sim API server with @kubernetes/client-node', () => {
  it('starts with the default namespaces and Established Gateway API CRDs', async () => {
    const ns = await objects.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    expect(ns.metadata?.name).toBe('default');
    const crd = (await objects.read({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gateways.gateway.networking.k8s.io' },
    })) as KubeObject;
    expect((crd.status as { conditions: { type: string; status: string }[] }).conditions).toContainEqual(
      expect.objectContaining({ type: 'Established', status: 'True' }),
    );
  });

  it('server-side apply creates, and resourceVersion/generation move as in Kubernetes', async () => {
    await namespace('rv');
    const created = await apply(
      gateway('rv', 'gw', { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] }),
    );
    expect(created.metadata.generation).toBe(1);
    const same = await apply(
      gateway('rv', 'gw', { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] }),
    );
    expect(same.metadata.resourceVersion).toBe(created.metadata.resourceVersion); // no-op apply
    const relabelled = await apply(
      gateway(
        'rv',
        'gw',
        { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
        { team: 'a' },
      ),
    );
    expect(Number(relabelled.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    expect(relabelled.metadata.generation).toBe(1); // metadata changes do not bump generation
    const changed = await apply(
      gateway(
        'rv',
        'gw',
        { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 8080, protocol: 'HTTP' }] },
        { team: 'a' },
      ),
    );
    expect(changed.metadata.generation).toBe(2);
  });

  it('removes fields a manager stops applying', async () => {
    await namespace('ssa');
    await apply(
      gateway(
        'ssa',
        'gw',
        {
          gatewayClassName: 'istio',
          listeners: [
            { name: 'http', port: 80, protocol: 'HTTP' },
            { name: 'extra', port: 81, protocol: 'HTTP' },
          ],
        },
        { a: '1', b: '2' },
      ),
    );
    const after = await apply(
      gateway(
        'ssa',
        'gw',
        { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
        { a: '1' },
      ),
    );
    expect(after.metadata.labels).toEqual({ a: '1' });
    expect((after.spec as { listeners: { name: string }[] }).listeners.map((l) => l.name)).toEqual(['http']);
  });

  it('answers an apply that changes another manager’s field with a 409 Conflict naming it; force wins', async () => {
    await namespace('managers');
    await apply(gateway('managers', 'gw', { gatewayClassName: 'istio' }), 'owner');
    const { code, status } = await statusOf(
      apply(gateway('managers', 'gw', { gatewayClassName: 'other' }), 'intruder'),
    );
    expect(code).toBe(409);
    expect(status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Conflict', code: 409 });
    expect(status.details.causes).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "owner"', field: '.spec.gatewayClassName' },
    ]);
    const forced = await apply(gateway('managers', 'gw', { gatewayClassName: 'other' }), 'intruder', true);
    expect((forced.spec as { gatewayClassName: string }).gatewayClassName).toBe('other');
  });

  it('keeps status and spec apart: status subresource writes leave spec and generation alone, main writes ignore status', async () => {
    await namespace('status');
    const gw = await apply(gateway('status', 'gw', { gatewayClassName: 'istio' }));
    const custom = kc.makeApiClient(CustomObjectsApi);
    const withStatus = await custom.replaceNamespacedCustomObjectStatus({
      group: 'gateway.networking.k8s.io',
      version: 'v1',
      namespace: 'status',
      plural: 'gateways',
      name: 'gw',
      body: {
        ...gw,
        spec: { gatewayClassName: 'sneaky' },
        status: { conditions: [{ type: 'Programmed', status: 'True' }] },
      },
    });
    expect(withStatus.spec).toEqual({ gatewayClassName: 'istio' });
    expect(withStatus.status).toEqual({ conditions: [{ type: 'Programmed', status: 'True' }] });
    expect(withStatus.metadata.generation).toBe(1);
    const mainWrite = (await apply({
      ...gateway('status', 'gw', { gatewayClassName: 'istio' }),
      status: { conditions: [] },
    } as Manifest)) as KubeObject;
    expect(mainWrite.status).toEqual({ conditions: [{ type: 'Programmed', status: 'True' }] });
  });

  it('returns metav1 Status errors: 404 NotFound (also for a missing namespace), 409 AlreadyExists, 409 Conflict', async () => {
    const missing = await statusOf(objects.read(gateway('status', 'nope', {})));
    expect(missing.code).toBe(404);
    expect(missing.status).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'gateways.gateway.networking.k8s.io "nope" not found',
      details: { name: 'nope', group: 'gateway.networking.k8s.io', kind: 'gateways' },
    });
    const noNamespace = await statusOf(apply(gateway('does-not-exist', 'gw', {})));
    expect(noNamespace).toMatchObject({
      code: 404,
      status: { reason: 'NotFound', message: 'namespaces "does-not-exist" not found' },
    });

    await namespace('errors');
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm', namespace: 'errors' } as Manifest['metadata'],
      data: { a: '1' },
    };
    const first = await objects.create(cm);
    const again = await statusOf(objects.create(cm));
    expect(again).toMatchObject({
      code: 409,
      status: { reason: 'AlreadyExists', message: 'configmaps "cm" already exists' },
    });
    await objects.replace({
      ...cm,
      data: { a: '2' },
      metadata: { ...cm.metadata, resourceVersion: first.metadata?.resourceVersion },
    });
    const stale = await statusOf(
      objects.replace({
        ...cm,
        data: { a: '3' },
        metadata: { ...cm.metadata, resourceVersion: first.metadata?.resourceVersion },
      }),
    );
    expect(stale).toMatchObject({ code: 409, status: { reason: 'Conflict' } });
    expect(stale.status.message).toMatch(/the object has been modified/);
  });

  it('lists by namespace, across namespaces and by label selector; deletes return the object, then 404', async () => {
    await namespace('list-a');
    await namespace('list-b');
    await apply(gateway('list-a', 'one', { gatewayClassName: 'x' }, { tier: 'edge', env: 'prod' }));
    await apply(gateway('list-b', 'two', { gatewayClassName: 'x' }, { tier: 'edge', env: 'dev' }));
    const inA = await objects.list(GW, 'Gateway', 'list-a');
    expect(inA.items.map((g) => g.metadata?.name)).toEqual(['one']);
    const all = await objects.list(GW, 'Gateway');
    expect(all.items.map((g) => `${g.metadata?.namespace}/${g.metadata?.name}`)).toEqual(
      expect.arrayContaining(['list-a/one', 'list-b/two']),
    );
    const selected = await objects.list(
      GW,
      'Gateway',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      'tier=edge,env!=prod',
    );
    expect(selected.items.map((g) => g.metadata?.name)).toEqual(['two']);

    const deleted = await objects.delete(gateway('list-a', 'one', {}));
    expect(deleted.kind).toBe('Gateway'); // the deleted object (client-node types it as V1Status)
    expect((await statusOf(objects.read(gateway('list-a', 'one', {})))).code).toBe(404);
    expect((await statusOf(objects.delete(gateway('list-a', 'one', {})))).code).toBe(404);
  });

  it('serves the same object under every served version (v1beta1 and v1 share storage)', async () => {
    await namespace('versions');
    await apply(gateway('versions', 'gw', { gatewayClassName: 'istio' }));
    const beta = await objects.read({
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'versions' },
    });
    expect(beta.apiVersion).toBe('gateway.networking.k8s.io/v1beta1');
  });

  it('watches from a resourceVersion, resumes without gaps and answers 410 Expired when too old', async () => {
    await namespace('watch');
    const list = await objects.list(GW, 'Gateway', 'watch');
    const from = list.metadata?.resourceVersion as string;
    const events: string[] = [];
    let resumeAt = '';
    const got = new Promise<void>((resolve, reject) => {
      void new Watch(kc).watch(
        '/apis/gateway.networking.k8s.io/v1/namespaces/watch/gateways',
        { resourceVersion: from, allowWatchBookmarks: true },
        (type, obj: KubeObject) => {
          events.push(`${type} ${obj.metadata.name} g${obj.metadata.generation}`);
          if (events.length === 1) resumeAt = obj.metadata.resourceVersion as string;
          if (type === 'DELETED') resolve();
        },
        (err) => (err ? reject(err) : undefined),
      );
    });
    await apply(gateway('watch', 'w', { gatewayClassName: 'a' }));
    await apply(gateway('watch', 'w', { gatewayClassName: 'b' }));
    await objects.delete(gateway('watch', 'w', {}));
    await got;
    expect(events).toEqual(['ADDED w g1', 'MODIFIED w g2', 'DELETED w g2']);

    // Resume after the first event: only what followed it.
    const resumed: string[] = [];
    await new Promise<void>((resolve, reject) => {
      void new Watch(kc).watch(
        '/apis/gateway.networking.k8s.io/v1/namespaces/watch/gateways',
        { resourceVersion: resumeAt },
        (type, obj: KubeObject) => {
          resumed.push(`${type} ${obj.metadata.name}`);
          if (type === 'DELETED') resolve();
        },
        (err) => (err ? reject(err) : undefined),
      );
    });
    expect(resumed).toEqual(['MODIFIED w', 'DELETED w']);

    // Push the start of history past `from`, then watching from it is 410 Expired (an ERROR event).
    for (let i = 0; i < 5001; i++)
      server.store.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `filler-${i}`, namespace: 'watch' },
      });
    const expired = await new Promise<{ type: string; obj: any }>((resolve, reject) => {
      void new Watch(kc).watch(
        '/apis/gateway.networking.k8s.io/v1/namespaces/watch/gateways',
        { resourceVersion: from },
        (type, obj) => resolve({ type, obj }),
        (err) => (err ? reject(err) : undefined),
      );
    });
    expect(expired.type).toBe('ERROR');
    expect(expired.obj).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
  });

  it('serves pods/log through the podLogs callback, with tailLines', async () => {
    server.store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'gw-pod', namespace: 'default' },
      spec: { containers: [{ name: 'istio-proxy' }] },
    });
    const core = kc.makeApiClient(CoreV1Api);
    const log = await core.readNamespacedPodLog({
      name: 'gw-pod',
      namespace: 'default',
      container: 'istio-proxy',
      tailLines: 2,
    });
    expect(log).toBe('ready\nserving\n');
    expect((await statusOf(core.readNamespacedPodLog({ name: 'ghost', namespace: 'default' }))).code).toBe(404);
  });

  it('answers Table requests with the CRD printer columns, and rejects bad requests properly', async () => {
    await namespace('table');
    await apply(gateway('table', 'gw', { gatewayClassName: 'istio' }));
    const res = await raw('/apis/gateway.networking.k8s.io/v1/namespaces/table/gateways', {
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
    });
    const table = (await res.json()) as {
      kind: string;
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[] }[];
    };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Class', 'Address', 'Programmed', 'Age']);
    expect(table.rows.map((r) => r.cells.slice(0, 4))).toEqual([['gw', 'istio', null, null]]);

    const badPatch = await raw('/apis/gateway.networking.k8s.io/v1/namespaces/table/gateways/gw', {
      method: 'PATCH',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(badPatch.status).toBe(415);
    expect(await badPatch.json()).toMatchObject({ kind: 'Status', reason: 'UnsupportedMediaType', code: 415 });
    const badMethod = await raw('/apis/gateway.networking.k8s.io/v1/namespaces/table/gateways/gw', {
      method: 'POST',
      body: '{}',
    });
    expect(await badMethod.json()).toMatchObject({ reason: 'MethodNotAllowed', code: 405 });
    const badName = await raw('/api/v1/namespaces/table/configmaps', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ metadata: { name: 'Bad_Name' } }),
    });
    expect(await badName.json()).toMatchObject({ reason: 'Invalid', code: 422 });
    const badSelector = await raw('/api/v1/configmaps?fieldSelector=data.a%3Db');
    expect(await badSelector.json()).toMatchObject({ reason: 'BadRequest', code: 400 });
    const wrongToken = await fetch(`${server.url}/api/v1/namespaces`, { headers: { authorization: 'Bearer wrong' } });
    expect(wrongToken.status).toBe(401);
  });
});

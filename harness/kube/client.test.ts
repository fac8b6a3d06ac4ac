import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError, WaitTimeoutError } from '../errors.ts';
import { Kube, KubeApiError } from './client.ts';

/**
 * The Kube client against a tiny loopback API server that records what it receives: enough
 * discovery for ConfigMap/Namespace/CRD, Gateway API not installed. (The full protocol is exercised
 * against the simulated API server in client.sim.test.ts.)
 */

interface Received {
  method: string;
  url: string;
  contentType?: string;
  body?: unknown;
}

const received: Received[] = [];
const stalled = { opened: 0, closed: 0 };
let server: Server;
let dir: string;
let kubeconfig: string;
let url: string;

const discovery: Record<string, unknown> = {
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      { name: 'namespaces', kind: 'Namespace', namespaced: false, verbs: ['get', 'patch'] },
      { name: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: ['get', 'patch', 'delete'] },
    ],
  },
  '/apis/apiextensions.k8s.io/v1': {
    kind: 'APIResourceList',
    groupVersion: 'apiextensions.k8s.io/v1',
    resources: [
      { name: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false, verbs: ['patch'] },
    ],
  },
};

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        contentType: req.headers['content-type'],
        body: text ? JSON.parse(text) : undefined,
      });
      const send = (code: number, body: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'GET' && discovery[path]) return send(200, discovery[path]);
      if (req.method === 'GET' && path === '/version') return send(200, { gitVersion: 'v1.36.4' });
      if (req.method === 'PATCH' && path.endsWith('/configmaps/stall')) {
        // An API server that takes the request and never answers: only the client can end it.
        stalled.opened += 1;
        res.on('close', () => (stalled.closed += 1));
        return;
      }
      if (req.method === 'PATCH' && path.endsWith('/configmaps/invalid')) {
        return send(
          422,
          status(
            422,
            'Invalid',
            'ConfigMap "invalid" is invalid: data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters.',
          ),
        );
      }
      if (req.method === 'PATCH') {
        const body = JSON.parse(text);
        body.metadata = {
          ...body.metadata,
          uid: 'u-1',
          resourceVersion: '7',
          creationTimestamp: '2026-01-02T03:04:05Z',
        };
        return send(200, body);
      }
      if (req.method === 'DELETE' && path.endsWith('/gone'))
        return send(404, status(404, 'NotFound', 'configmaps "gone" not found'));
      if (req.method === 'DELETE') return send(200, { kind: 'Status', apiVersion: 'v1', status: 'Success' });
      if (req.method === 'GET' && path.includes('/configmaps/'))
        return send(404, status(404, 'NotFound', 'configmaps "x" not found'));
      send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'kindgate-kube-'));
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigYaml(url));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function kubeconfigYaml(server: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: fake
  # client-node 1.x refuses plain http unless TLS verification is explicitly skipped.
  cluster: {server: "${server}", insecure-skip-tls-verify: true}
users:
- name: fake
  user: {token: not-a-secret}
contexts:
- name: fake
  context: {cluster: fake, user: fake, namespace: team-a}
- name: other
  context: {cluster: fake, user: fake}
current-context: fake
`;
}

describe('Kube.fromFile', () => {
  it('names a missing kubeconfig and the fix', () => {
    const missing = join(tmpdir(), 'kindgate-does-not-exist', 'kubeconfig');
    expect(() => Kube.fromFile(missing)).toThrow(UsageError);
    expect(() => Kube.fromFile(missing)).toThrow(
      `Kubeconfig ${missing} does not exist; pass the path of a readable kubeconfig file (--kubeconfig).`,
    );
  });

  it('names an unknown context and lists the known ones', () => {
    expect(() => Kube.fromFile(kubeconfig, 'kind-prod')).toThrow(
      `Context "kind-prod" does not exist in kubeconfig ${kubeconfig} (it has: fake, other); pass one of those with --context.`,
    );
  });

  it('refuses a plain-http server without insecure-skip-tls-verify, saying how to fix it', () => {
    const path = join(dir, 'plain-http');
    writeFileSync(path, kubeconfigYaml(url).replace(', insecure-skip-tls-verify: true', ''));
    expect(() => Kube.fromFile(path)).toThrow(
      `Cluster "fake" in kubeconfig ${path} uses plain HTTP (${url}), which @kubernetes/client-node only allows with insecure-skip-tls-verify: true; set that on the cluster entry or use its https address.`,
    );
  });

  it('selects the given context', () => {
    expect(Kube.fromFile(kubeconfig, 'other').kubeConfig.getCurrentContext()).toBe('other');
  });
});

describe('Kube against a recording API server', () => {
  it('server-side applies every document in order, with fieldManager kindgate, force, and the default namespace', async () => {
    received.length = 0;
    const kube = Kube.fromFile(kubeconfig);
    const applied = await kube.apply(
      `apiVersion: v1
kind: Namespace
metadata: {name: apps}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {a: "1"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: pinned, namespace: elsewhere}
`,
      { namespace: 'apps' },
    );
    const patches = received.filter((r) => r.method === 'PATCH');
    expect(patches.map((p) => p.url.split('?')[0])).toEqual([
      '/api/v1/namespaces/apps',
      '/api/v1/namespaces/apps/configmaps/settings',
      '/api/v1/namespaces/elsewhere/configmaps/pinned',
    ]);
    for (const p of patches) {
      expect(p.contentType).toBe('application/apply-patch+yaml');
      const query = new URLSearchParams(p.url.split('?')[1]);
      expect(query.get('fieldManager')).toBe('kindgate');
      expect(query.get('force')).toBe('true');
    }
    expect(applied.map((o) => o.metadata.namespace)).toEqual([undefined, 'apps', 'elsewhere']);
    // What comes back is plain JSON, not the client's model objects.
    expect(applied[1].metadata.creationTimestamp).toBe('2026-01-02T03:04:05Z');
  });

  it("uses the context's namespace when none is given", async () => {
    received.length = 0;
    await Kube.fromFile(kubeconfig).apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ctx' } }]);
    expect(received.find((r) => r.method === 'PATCH')?.url).toMatch(
      /^\/api\/v1\/namespaces\/team-a\/configmaps\/ctx\?/,
    );
  });

  it('sends CRD schemas unchanged (the typed serializer would drop x-kubernetes-* fields)', async () => {
    received.length = 0;
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'foos.example.com', managedFields: [{ manager: 'someone' }], resourceVersion: '3' },
      spec: {
        group: 'example.com',
        names: { kind: 'Foo', plural: 'foos' },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
                'x-kubernetes-validations': [{ rule: 'self.spec != null', message: 'spec required' }],
              },
            },
            futureField: { kept: true },
          },
        ],
      },
    };
    await Kube.fromFile(kubeconfig).apply([crd]);
    const body = received.find((r) => r.method === 'PATCH')?.body as typeof crd;
    expect(body.spec).toEqual(crd.spec);
    // Server-owned metadata is stripped so a read object can be re-applied.
    expect(body.metadata).toEqual({ name: 'foos.example.com' });
  });

  it('says which object failed, with the API message and reason', async () => {
    const kube = Kube.fromFile(kubeconfig);
    const err = await kube
      .apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'invalid', namespace: 'apps' } }])
      .catch((e) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err.message).toBe(
      'server-side apply of ConfigMap apps/invalid failed: ConfigMap "invalid" is invalid: data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters (reason Invalid, HTTP 422); fix the manifest.',
    );
  });

  it('says a kind is unknown to the cluster and that its CRDs must be installed', async () => {
    const kube = Kube.fromFile(kubeconfig);
    const gateway = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'external-gateway', namespace: 'apps' },
    };
    const err = await kube.apply([gateway]).catch((e) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err.reason).toBe('UnknownKind');
    expect(err.message).toBe(
      `server-side apply of Gateway apps/external-gateway failed: the kind Gateway (gateway.networking.k8s.io/v1) is unknown to the cluster at ${url}; install its CRDs first (for Gateway API kinds: the Gateway API standard-install.yaml bundle).`,
    );
    await expect(kube.get({ ...gateway, name: 'external-gateway', namespace: 'apps' })).rejects.toThrow(
      /unknown to the cluster/,
    );
    // A kind missing from a served group version is unknown too.
    await expect(kube.get({ apiVersion: 'v1', kind: 'Gizmo', name: 'x' })).rejects.toThrow(
      /the kind Gizmo \(core v1\) is unknown/,
    );
  });

  it('apply ends at once when its signal is aborted: the request in flight is closed and nothing more is sent', async () => {
    const kube = Kube.fromFile(kubeconfig);
    const controller = new AbortController();
    const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'apps' } });
    const applying = kube.apply([cm('stall'), cm('after-stall')], { signal: controller.signal }).catch((e) => e);
    while (stalled.opened === 0) await new Promise((r) => setTimeout(r, 10));
    const aborted = performance.now();
    controller.abort(new Error('a sibling install failed'));
    expect(await applying).toBeInstanceOf(Error);
    expect(performance.now() - aborted).toBeLessThan(1_000);
    while (stalled.closed === 0) await new Promise((r) => setTimeout(r, 10));
    expect(received.some((r) => r.url.includes('/configmaps/after-stall'))).toBe(false);
  });

  it('get returns undefined and delete returns false for missing objects', async () => {
    const kube = Kube.fromFile(kubeconfig);
    expect(await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'absent' })).toBeUndefined();
    expect(await kube.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'gone' })).toBe(false);
    expect(await kube.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'present' })).toBe(true);
  });

  it('waitForApi returns once /version answers', async () => {
    await expect(Kube.fromFile(kubeconfig).waitForApi(2_000)).resolves.toBeUndefined();
  });

  it('waitForApi names the server URL when nothing answers', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((r) => closed.close(r));
    const path = join(dir, 'dead');
    writeFileSync(path, kubeconfigYaml(deadUrl));
    const err = await Kube.fromFile(path)
      .waitForApi(300)
      .catch((e) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect(err.message).toBe(
      `Kubernetes API server at ${deadUrl} did not answer /version within 0.3 s (last error: ECONNREFUSED); check that the cluster is running and reachable from this machine.`,
    );
  });
});

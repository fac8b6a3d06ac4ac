import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject, ObjectRef } from '../kube/types.ts';
import { istioProfile } from '../profiles/istio.ts';
import { collectDiagnostics, failureOf, type DiagnosticsInput, type DiagnosticsKube } from './diagnostics.ts';
import { eventsTable } from './diagnostics/events.ts';

const GW = 'gateway.networking.k8s.io/v1';
const SECRET_VALUE = 'c3VwZXItc2VjcmV0LXBhc3N3b3Jk';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

const obj = (
  apiVersion: string,
  kind: string,
  namespace: string | undefined,
  name: string,
  rest: Record<string, unknown> = {},
): KubeObject => ({
  apiVersion,
  kind,
  metadata: {
    name,
    ...(namespace ? { namespace } : {}),
    generation: 2,
    managedFields: [{ manager: 'kindgate' }],
    labels: { app: name },
  },
  ...rest,
});

const route = obj(GW, 'HTTPRoute', 'apps', 'httpbin-route', {
  spec: { rules: [] },
  status: {
    parents: [
      {
        parentRef: { name: 'external-gateway', namespace: 'gw' },
        controllerName: 'istio.io/gateway-controller',
        conditions: [
          { type: 'Accepted', status: 'True', reason: 'Accepted', observedGeneration: 2 },
          {
            type: 'ResolvedRefs',
            status: 'False',
            reason: 'BackendNotFound',
            message: 'backend(httpbin-v3.apps.svc.cluster.local) not found',
            observedGeneration: 2,
          },
        ],
      },
    ],
  },
});
const gateway = obj(GW, 'Gateway', 'gw', 'external-gateway', {
  status: {
    conditions: [
      { type: 'Accepted', status: 'True', reason: 'Accepted' },
      { type: 'Programmed', status: 'True', reason: 'Programmed' },
    ],
    listeners: [
      { name: 'http', attachedRoutes: 1, conditions: [{ type: 'Conflicted', status: 'False', reason: 'NoConflicts' }] },
    ],
  },
});
const secret = obj('v1', 'Secret', 'apps', 'db-credentials', { data: { password: SECRET_VALUE } });
const pod = (ns: string, name: string, labels: Record<string, string>, containers: string[]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels },
  spec: { containers: containers.map((c) => ({ name: c })) },
  status: { phase: 'Running' },
});
const istiod = pod('istio-system', 'istiod-abc', { app: 'istiod' }, ['discovery']);
const gwPod = pod(
  'gw',
  'external-gateway-istio-xyz',
  { 'gateway.networking.k8s.io/gateway-name': 'external-gateway' },
  ['istio-proxy'],
);
const event = (ns: string, name: string, time: string, reason: string, message: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name, namespace: ns },
  lastTimestamp: time,
  type: reason === 'BackOff' ? 'Warning' : 'Normal',
  reason,
  message,
  involvedObject: { kind: 'Pod', name: 'httpbin-1' },
  count: 1,
});

/** A fake cluster with the Kube methods the bundle uses; it records every call. */
class FakeKube implements DiagnosticsKube {
  calls: string[] = [];
  failLogsFor = new Set<string>();
  objects: KubeObject[] = [
    route,
    gateway,
    secret,
    istiod,
    gwPod,
    obj('v1', 'Service', 'apps', 'httpbin'),
    obj(GW, 'GatewayClass', undefined, 'istio'),
  ];
  eventsByNs: Record<string, KubeObject[]> = {
    apps: [
      event('apps', 'e2', '2026-01-01T00:00:09Z', 'BackOff', 'Back-off restarting'),
      event('apps', 'e1', '2026-01-01T00:00:01Z', 'Scheduled', 'Assigned apps/httpbin-1'),
    ],
  };

  async list(
    apiVersion: string,
    kind: string,
    opts: { namespace?: string; labelSelector?: string } = {},
  ): Promise<KubeObject[]> {
    this.calls.push(`list ${kind} ${opts.namespace ?? '*'} ${opts.labelSelector ?? ''}`.trim());
    return this.objects.filter((o) => {
      if (o.kind !== kind || o.apiVersion.split('/')[0] !== apiVersion.split('/')[0]) return false;
      if (opts.namespace && o.metadata.namespace !== opts.namespace) return false;
      if (!opts.labelSelector) return true;
      const [k, v] = opts.labelSelector.split('=');
      return o.metadata.labels?.[k] === v;
    });
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    this.calls.push(`get ${ref.kind} ${ref.namespace}/${ref.name}`);
    return this.objects.find(
      (o) => o.kind === ref.kind && o.metadata.name === ref.name && o.metadata.namespace === ref.namespace,
    );
  }

  async podLogs(namespace: string, name: string, opts: { container?: string } = {}): Promise<string> {
    this.calls.push(`logs ${namespace}/${name} ${opts.container}`);
    if (this.failLogsFor.has(name))
      throw new Error('container "discovery" in pod "istiod-abc" is waiting to start: ContainerCreating');
    return `info\tstarted ${name}\nwarn\tcalling API with Authorization: Bearer ${JWT}\nkubeconfig: client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVk=\ndone\n`;
  }

  async events(namespace: string): Promise<KubeObject[]> {
    this.calls.push(`events ${namespace}`);
    return this.eventsByNs[namespace] ?? [];
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

async function allText(dir: string): Promise<string> {
  const files = await filesUnder(dir);
  return (await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')))).join('\n');
}

describe('collectDiagnostics', () => {
  let dir: string;
  let kube: FakeKube;
  let base: DiagnosticsInput;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kindgate-diag-'));
    kube = new FakeKube();
    base = {
      kube,
      dir,
      namespaces: ['apps', 'gw'],
      profile: istioProfile,
      gateways: [{ namespace: 'gw', name: 'external-gateway' }],
      failure: {
        tests: [
          {
            suite: 'httproute',
            title: 'HTTPRoute is Accepted with ResolvedRefs for its parent Gateway',
            error: 'HTTPRoute apps/httpbin-route: ResolvedRefs=False (BackendNotFound) after 60 s\nat ...',
          },
        ],
      },
    };
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes objects with status per namespace, cluster-wide GatewayClasses, events and logs', async () => {
    const bundle = await collectDiagnostics(base);
    expect(bundle.dir).toBe(join(dir, 'diagnostics'));
    const files = await filesUnder(bundle.dir);
    expect(files).toEqual(
      expect.arrayContaining([
        'README.md',
        'cluster/gatewayclasses.yaml',
        'apps/httproutes.yaml',
        'apps/services.yaml',
        'apps/status.txt',
        'apps/events.yaml',
        'apps/events.txt',
        'gw/gateways.yaml',
        'logs/istio-system/istiod-abc_discovery.log',
        'logs/gw/external-gateway-istio-xyz_istio-proxy.log',
      ]),
    );
    const routes = parseAllDocuments(await readFile(join(bundle.dir, 'apps/httproutes.yaml'), 'utf8')).map((d) =>
      d.toJS(),
    );
    expect(routes).toHaveLength(1);
    expect(routes[0].status.parents[0].conditions[1]).toMatchObject({
      type: 'ResolvedRefs',
      status: 'False',
      reason: 'BackendNotFound',
    });
    expect(routes[0].metadata).not.toHaveProperty('managedFields');
    expect(await readFile(join(bundle.dir, 'apps/status.txt'), 'utf8')).toContain(
      '✗ ResolvedRefs=False (BackendNotFound: backend(httpbin-v3.apps.svc.cluster.local) not found)',
    );
    // Gateway pods are found with the profile's selector, the Gateway's name filled in.
    expect(kube.calls).toContain('list Pod gw gateway.networking.k8s.io/gateway-name=external-gateway');
    expect(bundle.problems).toEqual([]);
  });

  it('sorts events oldest first, also as a readable table', async () => {
    const bundle = await collectDiagnostics(base);
    const table = (await readFile(join(bundle.dir, 'apps/events.txt'), 'utf8')).split('\n');
    expect(table[0]).toMatch(/^TIME\s+TYPE\s+REASON\s+OBJECT\s+COUNT\s+MESSAGE$/);
    expect(table[1]).toContain('Scheduled');
    expect(table[2]).toMatch(/2026-01-01T00:00:09Z\s+Warning\s+BackOff\s+Pod\/httpbin-1\s+1\s+Back-off restarting/);
  });

  it('never writes Secrets, not even when asked for one', async () => {
    const bundle = await collectDiagnostics({
      ...base,
      objects: [{ apiVersion: 'v1', kind: 'Secret', namespace: 'apps', name: 'db-credentials' }],
    });
    expect(kube.calls.filter((c) => c.includes('Secret'))).toEqual([]);
    const text = await allText(bundle.dir);
    expect(text).not.toContain(SECRET_VALUE);
    expect(text).not.toMatch(/kind: Secret/);
    expect(bundle.readme).toContain('Secrets are never written');
  });

  it('redacts bearer tokens and kubeconfig credentials from logs', async () => {
    const bundle = await collectDiagnostics(base);
    const log = await readFile(join(bundle.dir, 'logs/istio-system/istiod-abc_discovery.log'), 'utf8');
    expect(log).toContain('started istiod-abc');
    expect(log).not.toContain(JWT);
    expect(log).not.toContain('LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVk=');
    expect(log).toContain('[REDACTED]');
  });

  it('redacts the issue 9 examples: a literal API_TOKEN env value and an x-api-key annotation, in every file (defect 5)', async () => {
    const STRIPE = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
    const ANNOTATION = 'hunter2-not-random';
    const env = [
      { name: 'API_TOKEN', value: STRIPE },
      { name: 'DB_PASSWORD', value: 'correct-horse' },
      { name: 'HTTPBIN_ENV_VERSION', value: 'v1' },
    ];
    const annotations = { 'x-api-key': ANNOTATION };
    const template = { metadata: { annotations }, spec: { containers: [{ name: 'app', env }] } };
    kube.objects.push(
      obj('apps/v1', 'Deployment', 'apps', 'payments', { spec: { template } }),
      { ...pod('apps', 'payments-1', { app: 'payments' }, []), spec: template.spec },
      {
        ...pod('gw', 'external-gateway-istio-abc', { 'gateway.networking.k8s.io/gateway-name': 'external-gateway' }, [
          'istio-proxy',
        ]),
        metadata: {
          name: 'external-gateway-istio-abc',
          namespace: 'gw',
          labels: { 'gateway.networking.k8s.io/gateway-name': 'external-gateway' },
          annotations,
        },
      },
    );
    kube.eventsByNs.apps.push(
      event('apps', 'e3', '2026-01-01T00:00:10Z', 'Pulled', `pulled with x-api-key=${ANNOTATION}`),
    );
    const bundle = await collectDiagnostics(base);
    const deployments = await readFile(join(bundle.dir, 'apps/deployments.yaml'), 'utf8');
    expect(deployments).toMatch(/name: API_TOKEN\n\s+value: "?\[REDACTED\]"?/);
    expect(deployments).toMatch(/x-api-key: "?\[REDACTED\]"?/);
    expect(deployments).toMatch(/name: HTTPBIN_ENV_VERSION\n\s+value: v1/);
    const text = await allText(bundle.dir);
    expect(text).not.toContain(STRIPE);
    expect(text).not.toContain(ANNOTATION);
    expect(text).not.toContain('correct-horse');
  });

  it('writes 0600 files in 0700 directories', async () => {
    const bundle = await collectDiagnostics({ ...base, providerDiagnose: async () => undefined });
    const entries = await readdir(bundle.dir, { recursive: true, withFileTypes: true });
    expect(entries.length).toBeGreaterThan(5);
    expect((await stat(bundle.dir)).mode & 0o777).toBe(0o700);
    for (const e of entries) {
      const mode = (await stat(join(e.parentPath, e.name))).mode & 0o777;
      expect(mode, relative(bundle.dir, join(e.parentPath, e.name))).toBe(e.isDirectory() ? 0o700 : 0o600);
    }
  });

  it('notes a failing log call in the README and still writes the rest', async () => {
    kube.failLogsFor.add('istiod-abc');
    const bundle = await collectDiagnostics(base);
    expect(bundle.problems).toEqual([
      expect.stringContaining(
        'logs of pod istio-system/istiod-abc container discovery: container "discovery" in pod "istiod-abc" is waiting to start',
      ),
    ]);
    expect(bundle.readme).toMatch(
      /## Collection problems\n\n- logs of pod istio-system\/istiod-abc container discovery: /,
    );
    const files = await filesUnder(bundle.dir);
    expect(files).toContain('logs/gw/external-gateway-istio-xyz_istio-proxy.log');
    expect(files).not.toContain('logs/istio-system/istiod-abc_discovery.log');
  });

  it('survives a whole API that fails and a failing provider hook', async () => {
    const broken: DiagnosticsKube = {
      list: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6443')),
      get: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6443')),
      podLogs: async () => Promise.reject(new Error('unreachable')),
      events: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6443')),
    };
    const bundle = await collectDiagnostics({
      ...base,
      kube: broken,
      failure: { setup: 'Cluster kindgate-x did not become ready' },
      providerDiagnose: async () => {
        throw new Error('kind export logs exited with 1');
      },
    });
    expect(bundle.problems).toContain('GatewayClasses: connect ECONNREFUSED 127.0.0.1:6443');
    expect(bundle.problems).toContain('provider diagnostics: kind export logs exited with 1');
    expect(bundle.readme).toContain('**setup** (before the suites ran): Cluster kindgate-x did not become ready');
    expect(await filesUnder(bundle.dir)).toEqual(['README.md']);
  });

  it('tells where to look first: the unhealthy route condition and its files', async () => {
    const bundle = await collectDiagnostics(base);
    expect(bundle.readme).toContain(
      '**httproute › HTTPRoute is Accepted with ResolvedRefs for its parent Gateway**: HTTPRoute apps/httpbin-route: ResolvedRefs=False (BackendNotFound) after 60 s at ...',
    );
    const look = bundle.readme.slice(
      bundle.readme.indexOf('## Where to look first'),
      bundle.readme.indexOf('## Contents'),
    );
    expect(look).toContain(
      'HTTPRoute apps/httpbin-route parent gw/external-gateway (istio.io/gateway-controller): **ResolvedRefs=False (BackendNotFound: backend(httpbin-v3.apps.svc.cluster.local) not found) [observedGeneration 2]** → `apps/status.txt`, full object in `apps/httproutes.yaml`',
    );
    // Healthy conditions (Conflicted=False included) are not listed as suspects.
    expect(look).not.toContain('Conflicted');
    expect(look).not.toContain('Programmed=True');
  });

  it('gives the provider hook its own directory', async () => {
    let given = '';
    const bundle = await collectDiagnostics({ ...base, providerDiagnose: async (d) => void (given = d) });
    expect(given).toBe(join(bundle.dir, 'provider'));
    expect(bundle.readme).toContain('`provider/`');
  });
});

describe('failureOf', () => {
  it('keeps failed tests and the setup error', () => {
    const f = failureOf(
      [
        { suite: 'a', title: 'x', state: 'passed', durationMs: 1 },
        { suite: 'a', title: 'y', state: 'failed', durationMs: 1, error: 'e' },
      ],
      'boom',
    );
    expect(f).toEqual({ setup: 'boom', tests: [{ suite: 'a', title: 'y', id: undefined, error: 'e' }] });
  });
});

describe('eventsTable', () => {
  it('says so when there are no events', () => {
    expect(eventsTable([])).toBe('no events\n');
  });
});

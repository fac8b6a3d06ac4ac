import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { builtinFixturesDir, loadFixtures } from '../run/fixtures.ts';
import { Kube } from '../kube/client.ts';
import type { KubeObject } from '../kube/types.ts';
import { istioProfile } from '../profiles/istio.ts';
import { startSimCluster, type SimCluster } from '../providers/sim/simulated-cluster.ts';
import { collectDiagnostics, type DiagnosticsBundle } from './diagnostics.ts';

// The broken-fixture case end to end against the simulated cluster: the route's v2
// backend renamed to one that does not exist; the bundle must show why the route is not resolved.
const ns = 'kg-diag';
const gwNs = 'kg-diag-gateway';
const GW = 'gateway.networking.k8s.io/v1';

type RouteStatus = { parents?: { conditions?: { type: string; status: string; reason?: string }[] }[] };
const resolvedRefs = (route: KubeObject | undefined) =>
  (route?.status as RouteStatus | undefined)?.parents?.[0]?.conditions?.find((c) => c.type === 'ResolvedRefs');

describe('diagnostics bundle against the sim cluster', () => {
  let sim: SimCluster;
  let dir: string;
  let bundle: DiagnosticsBundle;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kindgate-diag-sim-'));
    sim = await startSimCluster({
      gatewayClassName: istioProfile.gatewayClassName,
      controllerName: istioProfile.controllerName,
      serverHeader: 'istio-envoy',
    });
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, sim.kubeconfig(), { mode: 0o600 });
    const kube = Kube.fromFile(kubeconfig);

    const objects = loadFixtures(builtinFixturesDir, {
      namespace: ns,
      gatewayNamespace: gwNs,
      gatewayClassName: istioProfile.gatewayClassName,
      hostname: 'httpbin.example.com',
      listenerPort: 80,
      httpbinImage: 'mccutchen/go-httpbin:2.25.0',
    }).flatMap((f) => f.objects);
    const route = objects.find((o) => o.kind === 'HTTPRoute')!;
    const rules = (route.spec as { rules: { backendRefs: { name: string }[] }[] }).rules;
    rules[0].backendRefs[0].name = 'httpbin-v3';
    await kube.apply(objects, { fieldManager: 'kindgate' });
    await kube.waitFor(
      { apiVersion: GW, kind: 'HTTPRoute', namespace: ns, name: 'httpbin-route' },
      (o) => resolvedRefs(o)?.status === 'False',
      {
        timeoutMs: 20_000,
        what: 'ResolvedRefs=False',
      },
    );

    bundle = await collectDiagnostics({
      kube,
      dir: join(dir, 'reports'),
      namespaces: [ns, gwNs],
      profile: istioProfile,
      gateways: [{ namespace: gwNs, name: 'external-gateway' }],
      failure: {
        tests: [
          {
            suite: 'httproute',
            title: 'HTTPRoute is Accepted with ResolvedRefs for its parent Gateway',
            error: 'ResolvedRefs=False',
          },
        ],
      },
    });
  }, 60_000);

  afterAll(async () => {
    await sim?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('contains the HTTPRoute with ResolvedRefs=False / BackendNotFound', async () => {
    const text = await readFile(join(bundle.dir, ns, 'httproutes.yaml'), 'utf8');
    const [route] = parseAllDocuments(text).map((d) => d.toJS() as KubeObject);
    expect(route.metadata.name).toBe('httpbin-route');
    expect(resolvedRefs(route)).toMatchObject({ status: 'False', reason: 'BackendNotFound' });
    expect(route.metadata).not.toHaveProperty('managedFields');
  });

  it('points at the route condition first in the README', () => {
    const look = bundle.readme.slice(
      bundle.readme.indexOf('## Where to look first'),
      bundle.readme.indexOf('## Contents'),
    );
    expect(look).toMatch(
      /HTTPRoute kg-diag\/httpbin-route parent kg-diag-gateway\/external-gateway#http .*\*\*ResolvedRefs=False \(BackendNotFound/,
    );
    expect(look).toContain('`kg-diag/httproutes.yaml`');
  });

  it('has the namespaces events, the Gateway with status and the controller and gateway pod logs', async () => {
    expect(bundle.files).toEqual(
      expect.arrayContaining([
        `${ns}/events.txt`,
        `${gwNs}/events.txt`,
        `${gwNs}/gateways.yaml`,
        'cluster/gatewayclasses.yaml',
      ]),
    );
    expect(await readFile(join(bundle.dir, ns, 'events.txt'), 'utf8')).toMatch(/^(TIME|no events)/);
    const [gateway] = parseAllDocuments(await readFile(join(bundle.dir, gwNs, 'gateways.yaml'), 'utf8')).map(
      (d) => d.toJS() as KubeObject,
    );
    expect(gateway.status).toBeDefined();
    expect(bundle.files.some((f) => f.startsWith('logs/istio-system/istiod'))).toBe(true);
    expect(bundle.files.some((f) => f.startsWith(`logs/${gwNs}/external-gateway-istio`))).toBe(true);
    expect(bundle.problems).toEqual([]);
  });
});

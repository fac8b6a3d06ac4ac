import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, execaSync } from 'execa';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeconfigFor, startApiServer, type SimApiServer } from './server.ts';
import { Store, type KubeObject } from './store.ts';

// The sim API server against the REAL kubectl: discovery, server-side apply, Table output,
// watch-based `kubectl wait`, delete. Skipped (loudly) where kubectl is not installed.

function kubectlAvailable(): boolean {
  try {
    execaSync('kubectl', ['version', '--client'], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
const hasKubectl = kubectlAvailable();
if (!hasKubectl)
  console.warn(
    'kubectl.sim.test.ts: SKIPPED — kubectl is not on PATH, so the sim API server is not checked against the real kubectl',
  );

const MANIFEST = `
apiVersion: v1
kind: Namespace
metadata:
  name: kubectl-demo
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: external-gateway
  namespace: kubectl-demo
spec:
  gatewayClassName: istio
  listeners:
  - name: http
    port: 80
    protocol: HTTP
    allowedRoutes:
      namespaces:
        from: All
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: httpbin-route
  namespace: kubectl-demo
spec:
  parentRefs:
  - name: external-gateway
  hostnames: [httpbin.example.com]
  rules:
  - backendRefs:
    - name: httpbin
      port: 80
`;

describe.skipIf(!hasKubectl)('sim API server with the real kubectl (skipped when kubectl is absent)', () => {
  let server: SimApiServer;
  let dir: string;
  const kubectl = (args: string[]) =>
    execa('kubectl', ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), ...args], {
      timeout: 30_000,
      reject: false,
    });

  beforeAll(async () => {
    server = await startApiServer({ store: new Store() });
    dir = mkdtempSync(join(tmpdir(), 'kindgate-kubectl-'));
    writeFileSync(join(dir, 'kubeconfig'), kubeconfigFor(server), { mode: 0o600 });
    writeFileSync(join(dir, 'manifest.yaml'), MANIFEST);
  });
  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('get ns lists the built-in namespaces', async () => {
    const r = await kubectl(['get', 'ns']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^NAME\s+STATUS\s+AGE$/m);
    expect(r.stdout).toMatch(/^default\s+Active\s+\d+s$/m);
    expect(r.stdout).toMatch(/^kube-system\s+Active/m);
  });

  it('apply --server-side creates a Namespace, a Gateway and an HTTPRoute (fieldManager kubectl)', async () => {
    const r = await kubectl(['apply', '--server-side', '-f', join(dir, 'manifest.yaml')]);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual([
      'namespace/kubectl-demo serverside-applied',
      'gateway.gateway.networking.k8s.io/external-gateway serverside-applied',
      'httproute.gateway.networking.k8s.io/httpbin-route serverside-applied',
    ]);
    const gw = server.store.get('gateway.networking.k8s.io/v1', 'Gateway', 'kubectl-demo', 'external-gateway');
    expect(gw?.spec).toMatchObject({ gatewayClassName: 'istio' });
    expect((gw?.metadata.managedFields as { manager: string; operation: string }[])[0]).toMatchObject({
      manager: 'kubectl',
      operation: 'Apply',
    });
  });

  it('apply --server-side reports another manager’s conflicting field, and --force-conflicts takes it', async () => {
    const edited = MANIFEST.replace('gatewayClassName: istio', 'gatewayClassName: other');
    writeFileSync(join(dir, 'edited.yaml'), edited);
    const refused = await kubectl([
      'apply',
      '--server-side',
      '--field-manager',
      'someone-else',
      '-f',
      join(dir, 'edited.yaml'),
    ]);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain('conflict with "kubectl"');
    expect(refused.stderr).toContain('.spec.gatewayClassName');
    const forced = await kubectl([
      'apply',
      '--server-side',
      '--field-manager',
      'someone-else',
      '--force-conflicts',
      '-f',
      join(dir, 'edited.yaml'),
    ]);
    expect(forced.exitCode).toBe(0);
    expect(
      server.store.get('gateway.networking.k8s.io/v1', 'Gateway', 'kubectl-demo', 'external-gateway')?.spec,
    ).toMatchObject({ gatewayClassName: 'other' });
    // Now kubectl lost the field: its own apply conflicts until it forces it back.
    expect((await kubectl(['apply', '--server-side', '-f', join(dir, 'manifest.yaml')])).exitCode).not.toBe(0);
    expect(
      (await kubectl(['apply', '--server-side', '--force-conflicts', '-f', join(dir, 'manifest.yaml')])).exitCode,
    ).toBe(0);
    const gw = server.store.get('gateway.networking.k8s.io/v1', 'Gateway', 'kubectl-demo', 'external-gateway');
    expect(gw?.spec).toMatchObject({ gatewayClassName: 'istio' });
    expect(gw?.metadata.generation).toBe(3);
  });

  it('get gateways -A prints the CRD printer columns', async () => {
    const r = await kubectl(['get', 'gateways', '-A']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^NAMESPACE\s+NAME\s+CLASS\s+ADDRESS\s+PROGRAMMED\s+AGE$/m);
    expect(r.stdout).toMatch(/^kubectl-demo\s+external-gateway\s+istio\s+\d+s$/m);
    const routes = await kubectl(['get', 'httproutes', '-n', 'kubectl-demo']);
    expect(routes.stdout).toMatch(/^httpbin-route\s+\["httpbin\.example\.com"\]\s+\d+s$/m);
  });

  it('get gateway -o yaml returns the object', async () => {
    const r = await kubectl(['get', 'gateway', 'external-gateway', '-n', 'kubectl-demo', '-o', 'yaml']);
    const gw = YAML.parse(r.stdout) as KubeObject;
    expect(gw).toMatchObject({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'external-gateway', generation: 3 },
    });
    expect((gw.spec as { listeners: unknown[] }).listeners).toEqual([
      { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
    ]);
  });

  it('wait --for=condition=Programmed wakes up when status is written (watch, not polling)', async () => {
    const waiting = kubectl([
      'wait',
      '--for=condition=Programmed',
      'gateway/external-gateway',
      '-n',
      'kubectl-demo',
      '--timeout=10s',
    ]);
    // Write status only after kubectl is already waiting on its watch.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const gw = server.store.get('gateway.networking.k8s.io/v1', 'Gateway', 'kubectl-demo', 'external-gateway')!;
    server.store.updateStatus({
      ...gw,
      status: {
        addresses: [{ type: 'IPAddress', value: '127.0.0.10' }],
        conditions: [
          {
            type: 'Programmed',
            status: 'True',
            reason: 'Programmed',
            message: '',
            observedGeneration: 3,
            lastTransitionTime: new Date().toISOString(),
          },
        ],
      },
    });
    const r = await waiting;
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('gateway.gateway.networking.k8s.io/external-gateway condition met');
    const table = await kubectl(['get', 'gateways', '-n', 'kubectl-demo']);
    expect(table.stdout).toMatch(/^external-gateway\s+istio\s+127\.0\.0\.10\s+True\s+\d+s$/m);
  });

  it('delete removes the object; a later get is NotFound', async () => {
    const r = await kubectl(['delete', 'httproute', 'httpbin-route', '-n', 'kubectl-demo']);
    expect(r.stdout).toBe('httproute.gateway.networking.k8s.io "httpbin-route" deleted');
    expect(
      server.store.get('gateway.networking.k8s.io/v1', 'HTTPRoute', 'kubectl-demo', 'httpbin-route'),
    ).toBeUndefined();
    const gone = await kubectl(['get', 'httproute', 'httpbin-route', '-n', 'kubectl-demo']);
    expect(gone.exitCode).toBe(1);
    expect(gone.stderr).toContain(
      'Error from server (NotFound): httproutes.gateway.networking.k8s.io "httpbin-route" not found',
    );
  });
});

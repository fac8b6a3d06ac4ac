import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { alive, sleepingChild } from '../../child-process.test-helper.ts';
import { CommandError, formatCommand, runCommand } from '../../exec.ts';
import type { KubeObject } from '../../kube/types.ts';
import { createMemoryLogger } from '../../log.ts';
import { pins } from '../../pins.ts';
import { istioProfile } from '../../profiles/istio.ts';
import type { IstioPlan } from './plan.ts';
import type { Profile } from '../../profiles/types.ts';
import { createHttpDownloader } from './tools/download.ts';
import { createKindProvider, formatPlan, planKindRun, type KindProviderDeps } from './provider.ts';
import {
  deleteLine,
  DOCKER_DESKTOP_INFO,
  dockerInfoFails,
  kindFakes,
  kindOptions,
  startError,
  type Failures,
} from './fake-deps.test-helper.ts';

describe('plan: command lines and generated files', () => {
  const o = kindOptions({ cacheDir: '/home/u/.cache/kindgate' });
  const plan = planKindRun(o, istioProfile, { platform: 'linux', arch: 'x64', env: {} });
  const kc = '/home/u/.cache/kindgate/clusters/kindgate-t1.kubeconfig';

  it('creates the cluster with the pinned node image by digest, a private kubeconfig and --wait', () => {
    expect(formatCommand(plan.cluster.create)).toBe(
      `kind create cluster --name kindgate-t1 --image ${pins.nodeImage} --config /home/u/.cache/kindgate/clusters/kindgate-t1.kind.yaml --kubeconfig ${kc} --wait 5m`,
    );
    expect(plan.cluster.nodeImage).toMatch(/^kindest\/node:v1\.36\.4@sha256:[0-9a-f]{64}$/);
  });

  it('generates a kind.x-k8s.io/v1alpha4 cluster config', () => {
    expect(parse(plan.cluster.configYaml)).toEqual({
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      name: 'kindgate-t1',
      nodes: [{ role: 'control-plane' }],
      networking: { ipFamily: 'ipv4' },
    });
  });

  it('installs Istio with the minimal profile and the run kubeconfig, nothing invented', () => {
    expect(formatCommand((plan.installs.implementation as IstioPlan).install)).toBe(
      `istioctl install --set profile=minimal -y --kubeconfig ${kc}`,
    );
  });

  it('deletes with the private kubeconfig; keeps when --keep or --reuse', () => {
    expect(formatCommand(plan.teardown.delete!)).toBe(`kind delete cluster --name kindgate-t1 --kubeconfig ${kc}`);
    expect(
      planKindRun({ ...o, keep: true }, istioProfile, { platform: 'linux', arch: 'x64', env: {} }).teardown.delete,
    ).toBeUndefined();
    expect(
      planKindRun({ ...o, reuse: true }, istioProfile, { platform: 'linux', arch: 'x64', env: {} }).teardown.delete,
    ).toBeUndefined();
  });

  it('pins the downloads: kind by sha256, istioctl by its published checksum, manifests by sha256', () => {
    expect(plan.tools[0].artifact).toMatchObject({
      url: 'https://kind.sigs.k8s.io/dl/v0.33.0/kind-linux-amd64',
      sha256: pins.kind.sha256['linux-amd64'],
    });
    expect(
      planKindRun(o, istioProfile, { platform: 'darwin', arch: 'arm64', env: {} }).tools[0].artifact,
    ).toMatchObject({
      url: 'https://kind.sigs.k8s.io/dl/v0.33.0/kind-darwin-arm64',
      checksumUrl: 'https://kind.sigs.k8s.io/dl/v0.33.0/kind-darwin-arm64.sha256sum',
    });
    expect(plan.tools[1].artifact).toMatchObject({
      url: 'https://github.com/istio/istio/releases/download/1.31.0/istioctl-1.31.0-linux-amd64.tar.gz',
      checksumUrl: 'https://github.com/istio/istio/releases/download/1.31.0/istioctl-1.31.0-linux-amd64.tar.gz.sha256',
    });
    expect(plan.installs.metallb.manifest).toMatchObject({ url: pins.metallb.url, sha256: pins.metallb.sha256 });
    expect(plan.installs.gatewayApiCrds.bundle).toMatchObject({
      url: pins.gatewayApi.standard.url,
      sha256: pins.gatewayApi.standard.sha256,
    });
    expect(
      planKindRun({ ...o, channel: 'experimental' }, istioProfile, { platform: 'linux', arch: 'x64', env: {} }).installs
        .gatewayApiCrds.bundle.sha256,
    ).toBe(pins.gatewayApi.experimental.sha256);
  });

  it('inspects the podman network when kind is told to use podman', () => {
    const podman = planKindRun(o, istioProfile, {
      platform: 'linux',
      arch: 'x64',
      env: { KIND_EXPERIMENTAL_PROVIDER: 'podman' },
    });
    expect(formatCommand(podman.installs.metallb.networkInspect)).toBe('podman network inspect kind');
    expect(formatCommand(plan.installs.metallb.networkInspect)).toBe('docker network inspect kind');
  });

  it('formatPlan prints every pin, URL and command, and what runs concurrently', () => {
    const text = formatPlan(plan);
    for (const needle of [
      pins.nodeImage,
      pins.metallb.url,
      pins.metallb.sha256,
      pins.gatewayApi.standard.url,
      pins.gatewayApi.standard.sha256,
      pins.kind.sha256['linux-amd64'],
      formatCommand(plan.cluster.create),
      formatCommand((plan.installs.implementation as IstioPlan).install),
      formatCommand(plan.teardown.delete!),
      'docker network inspect kind',
      'Concurrently',
      'apiVersion: kind.x-k8s.io/v1alpha4',
      "docker info --format '{{json .}}'",
      "docker context inspect --format '{{.Endpoints.docker.Host}}'",
      'istioctl-1.31.0-linux-amd64.tar.gz.sha256',
      pins.relay.image,
      'x.y.247.200-x.y.247.250 in a /16',
      'then DaemonSet metallb-system/speaker: every scheduled pod Ready (numberReady == desiredNumberScheduled) at its latest generation (180 s)',
      'retried while the webhook is not serving yet, up to 300 s',
    ])
      expect(text).toContain(needle);
  });
});

describe('kind provider start/stop', () => {
  it('runs the pipeline in order, logs each step with its duration, and deletes the cluster at stop (once)', async () => {
    const o = kindOptions();
    const f = kindFakes();
    const log = createMemoryLogger();
    const provider = createKindProvider(o, istioProfile, f.deps);
    await provider.start(log);
    const kc = provider.kubeconfigPath();
    expect(statSync(kc).mode & 0o777).toBe(0o600);
    expect(statSync(join(o.cacheDir, 'clusters', 'kindgate-t1.kind.yaml')).mode & 0o777).toBe(0o600);
    expect(f.commands.indexOf('/usr/local/bin/kind get clusters')).toBeLessThan(
      f.commands.findIndex((c) => c.includes('create cluster')),
    );
    expect(f.commands).toContain(`/usr/local/bin/istioctl install --set profile=minimal -y --kubeconfig ${kc}`);
    const pool = f.applied.find((a) => a.includes('IPAddressPool'))!;
    // This cluster's slice of the shared kind network (sha256 of kindgate-t1: slice 8 of 16).
    expect(pool).toContain('172.18.247.200-172.18.247.250');
    expect(f.waited).toEqual(
      expect.arrayContaining([
        'Deployment metallb-system/controller',
        'CustomResourceDefinition /gateways.gateway.networking.k8s.io',
        'Deployment istio-system/istiod',
        'GatewayClass /istio',
      ]),
    );
    // The speakers (which answer ARP for the pool) are waited for after the controller, before the pool.
    expect(f.waited.indexOf('DaemonSet metallb-system/speaker')).toBe(
      f.waited.indexOf('Deployment metallb-system/controller') + 1,
    );
    expect(f.waited.indexOf('GatewayClass /istio')).toBeGreaterThan(
      f.waited.indexOf('CustomResourceDefinition /httproutes.gateway.networking.k8s.io'),
    );
    for (const step of [
      'preflight',
      'tools: kind v0.33.0 (PATH, sha256 verified), istioctl 1.31.0 (PATH, sha256 verified)',
      'cluster kindgate-t1 created',
      'API server answers',
      'MetalLB v0.16.1 ready',
      'Gateway API v1.6.1 CRDs (standard) Established',
    ]) {
      expect(log.lines.some((l) => l.startsWith(`✓ ${step} (`) && / s\)$/.test(l))).toBe(true);
    }
    await provider.stop(log);
    await provider.stop(log);
    expect(f.commands.filter((c) => c === deleteLine(o))).toHaveLength(1);
  });

  it.each([
    [
      'cluster create',
      {
        create: new CommandError(
          'kind create cluster',
          1,
          'ERROR: failed to create cluster',
          'exit',
          '`kind create cluster` exited with code 1: ERROR: failed to create cluster',
        ),
      },
    ],
    ['MetalLB', { metallb: new Error('the server could not apply metallb-native.yaml') }],
    ['Gateway API CRDs', { crds: new Error('CRD apply refused') }],
    [
      'Istio',
      {
        istio: new CommandError(
          'istioctl install',
          1,
          'Error: failed to install manifests',
          'exit',
          '`istioctl install` exited with code 1: Error: failed to install manifests',
        ),
      },
    ],
  ])('a failure at %s deletes the cluster and propagates with exit code 4', async (_step, failure) => {
    const o = kindOptions();
    const f = kindFakes(failure as Failures);
    const provider = createKindProvider(o, istioProfile, f.deps);
    const error = await provider.start(createMemoryLogger()).catch((e) => e);
    expect(error.exitCode).toBe(4);
    expect(error.message).toMatch(
      /failed to create cluster|metallb-native|CRD apply refused|failed to install manifests/,
    );
    expect(f.commands).toContain(deleteLine(o));
    await provider.stop(createMemoryLogger());
    expect(f.commands.filter((c) => c === deleteLine(o))).toHaveLength(1);
  });

  it('a MetalLB failure cancels the running Istio install (its istioctl child is killed) before the cluster is deleted', async () => {
    const o = kindOptions();
    const f = kindFakes();
    const child = sleepingChild();
    const order: string[] = [];
    const run = f.deps.run!;
    const kube = f.deps.kube!;
    const deps: Partial<KindProviderDeps> = {
      ...f.deps,
      run: async (c, log, opts) => {
        const args = c.args.join(' ');
        if (args.startsWith('delete cluster'))
          order.push(`cluster deleted; istioctl alive: ${alive(await child.pid())}`);
        if (c.file.endsWith('istioctl') && args.startsWith('install')) {
          // A real child that would run for a minute, started the way every command is.
          return runCommand(child.command, log, opts).finally(() => order.push('istio install ended'));
        }
        return run(c, log, opts);
      },
      kube: (path) => {
        const k = kube(path);
        return {
          ...k,
          apply: async (input, opts) => {
            if (String(input).includes('metallb-system')) {
              await child.pid(); // fail only once istioctl runs
              throw new Error('the server could not apply metallb-native.yaml');
            }
            return k.apply(input, opts);
          },
        };
      },
    };
    const log = createMemoryLogger();
    const started = performance.now();
    const error = await createKindProvider(o, istioProfile, deps)
      .start(log)
      .catch((e) => e);
    expect(error.message).toMatch(/metallb-native/);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(order).toEqual(['istio install ended', 'cluster deleted; istioctl alive: false']);
    expect(alive(await child.pid())).toBe(false);
    expect(log.lines.some((l) => l.startsWith('✗ MetalLB v0.16.1 ready ('))).toBe(true);
    expect(log.lines.some((l) => l.startsWith('✗ Istio 1.31.0 ready ('))).toBe(true);
  });

  it('every running install ends at the first failure without the cancel grace: istioctl child killed, the CRD download closed', async () => {
    const o = kindOptions();
    const f = kindFakes();
    const child = sleepingChild();
    const order: string[] = [];
    // A download server that sends the headers and a first chunk of the bundle, then stalls.
    const stalled = { opened: 0, closed: 0 };
    const server = createServer((_req, res) => {
      stalled.opened += 1;
      res.on('close', () => (stalled.closed += 1));
      res.writeHead(200, { 'content-length': '1000000' });
      res.write('apiVersion: apiextensions.k8s.io/v1\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const slow = `http://127.0.0.1:${(server.address() as AddressInfo).port}/standard-install.yaml`;
    const http = createHttpDownloader({ env: {} });
    const run = f.deps.run!;
    const kube = f.deps.kube!;
    const deps: Partial<KindProviderDeps> = {
      ...f.deps,
      // Were any install not cancellable, teardown would sit out this grace and the test would time out.
      cancelGraceMs: 60_000,
      download: {
        ...f.deps.download!,
        toFile: (url, dest, timeoutMs, signal) =>
          url.includes('gateway-api')
            ? http.toFile(slow, dest, timeoutMs, signal).finally(() => order.push('CRD download ended'))
            : f.deps.download!.toFile(url, dest, timeoutMs, signal),
      },
      run: async (c, log, opts) => {
        if (c.args.join(' ').startsWith('delete cluster'))
          order.push(
            `cluster deleted; istioctl alive: ${alive(await child.pid())}; download open: ${stalled.opened > stalled.closed}`,
          );
        if (c.file.endsWith('istioctl') && c.args[0] === 'install') {
          return runCommand(child.command, log, opts).finally(() => order.push('istio install ended'));
        }
        return run(c, log, opts);
      },
      kube: (path) => {
        const k = kube(path);
        return {
          ...k,
          waitFor: async (ref, predicate, opts) => {
            if (ref.name === 'controller') {
              await child.pid(); // fail only once istioctl runs and the bundle download hangs
              while (stalled.opened === 0) await new Promise((r) => setTimeout(r, 10));
              throw new Error('Deployment metallb-system/controller did not become Available=True within 180 s');
            }
            return k.waitFor(ref, predicate, opts);
          },
        };
      },
    };
    const started = performance.now();
    try {
      const error = await startError(o, deps);
      expect(error.message).toMatch(/controller did not become Available/);
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(order.at(-1)).toBe('cluster deleted; istioctl alive: false; download open: false');
      expect(order.slice(0, 2).sort()).toEqual(['CRD download ended', 'istio install ended']);
      expect(alive(await child.pid())).toBe(false);
      expect(stalled).toEqual({ opened: 1, closed: 1 });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('a MetalLB failure tears down after a short grace even when a stuck Istio install ignores the cancel (its later failure stays handled)', async () => {
    const o = kindOptions();
    const f = kindFakes({ metallb: new Error('the server could not apply metallb-native.yaml') });
    const order: string[] = [];
    let clusterDeleted!: () => void;
    const deleted = new Promise<void>((resolve) => (clusterDeleted = resolve));
    const run = f.deps.run!;
    const deps: Partial<KindProviderDeps> = {
      ...f.deps,
      cancelGraceMs: 50,
      run: async (c, log) => {
        const args = c.args.join(' ');
        if (args.startsWith('delete cluster')) {
          order.push('cluster deleted');
          clusterDeleted();
        }
        if (c.file.endsWith('istioctl') && args.startsWith('install')) {
          // Deaf to the signal, stuck until the cluster goes away, then it fails (as istioctl
          // does); the timer only ends it when nothing deletes the cluster first.
          await Promise.race([deleted, new Promise((r) => setTimeout(r, 300))]);
          order.push('istio install ended');
          throw new Error('Error: failed to install manifests: the server is gone');
        }
        return run(c, log);
      },
    };
    const error = await startError(o, deps);
    expect(error.message).toMatch(/metallb-native/);
    await new Promise((r) => setTimeout(r, 400)); // let the background branch finish: its rejection must be handled
    expect(order).toEqual(['cluster deleted', 'istio install ended']);
  });

  it('stop during start (Ctrl-C while the API server is awaited) ends the wait at once, deletes the cluster and starts nothing more', async () => {
    const o = kindOptions();
    const f = kindFakes();
    let waiting!: () => void;
    const apiAwaited = new Promise<void>((resolve) => (waiting = resolve));
    const kube = f.deps.kube!;
    const deps: Partial<KindProviderDeps> = {
      ...f.deps,
      kube: (path) => ({
        ...kube(path),
        waitForApi: () => {
          waiting();
          return new Promise<void>(() => undefined); // an API server that never answers
        },
      }),
    };
    const provider = createKindProvider(o, istioProfile, deps);
    const log = createMemoryLogger();
    const starting = provider.start(log).catch((e) => e);
    await apiAwaited;
    const stopped = performance.now();
    await provider.stop(log);
    expect(performance.now() - stopped).toBeLessThan(1_000);
    expect(f.commands).toContain(deleteLine(o));
    expect((await starting).exitCode).toBe(4);
    expect(f.applied).toEqual([]);
    expect(log.lines.some((l) => l.startsWith('✗ API server answers ('))).toBe(true);
  });

  it('a throwing beforeCleanup hook cannot keep the cluster: it is deleted and the original error propagates', async () => {
    const o = kindOptions();
    const f = kindFakes({ crds: new Error('CRD apply refused') });
    const log = createMemoryLogger();
    const error = await createKindProvider(o, istioProfile, f.deps)
      .start(log, { beforeCleanup: async () => Promise.reject(new Error('diagnostics dir not writable')) })
      .catch((e) => e);
    expect(error.message).toMatch(/CRD apply refused/);
    expect(f.commands).toContain(deleteLine(o));
    expect(log.lines).toContain('! before cleanup: diagnostics dir not writable');
  });

  it('a preflight failure exits 3 with one sentence and creates (and deletes) nothing', async () => {
    const f = kindFakes(
      dockerInfoFails(
        'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock',
      ),
    );
    const error = await startError(kindOptions(), f.deps);
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(/permission denied.*docker group.*--provider sim\.$/);
    expect(f.commands.some((c) => c.includes('kind'))).toBe(false);
  });

  it('says "no engine" when the daemon is not running', async () => {
    const f = kindFakes(
      dockerInfoFails(
        'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      ),
    );
    const error = await startError(kindOptions(), f.deps);
    expect(error.message).toMatch(/^No docker engine is running.*start it.*--provider sim\.$/);
  });

  it('retries the pool while the MetalLB webhook refuses connections', async () => {
    const refused = new Error(
      'Internal error occurred: failed calling webhook "ipaddresspoolvalidationwebhook.metallb.io": dial tcp 10.96.10.10:443: connect: connection refused',
    );
    const f = kindFakes({ pool: refused });
    const provider = createKindProvider(kindOptions(), istioProfile, f.deps);
    await provider.start(createMemoryLogger());
    expect(f.applied.filter((a) => a.includes('IPAddressPool'))).toHaveLength(1);
    await provider.stop(createMemoryLogger());
  });

  it('explains a Gateway API safe-upgrades refusal in one sentence', async () => {
    const f = kindFakes({
      crds: new Error(
        "customresourcedefinitions.apiextensions.k8s.io \"gateways.gateway.networking.k8s.io\" is forbidden: ValidatingAdmissionPolicy 'safe-upgrades.gateway.networking.k8s.io' with binding 'safe-upgrades.gateway.networking.k8s.io' denied request: Installing CRDs with version before v1.5.0 is prohibited by default.",
      ),
    });
    const error = await startError(kindOptions(), f.deps);
    expect(error.message).toMatch(
      /^The cluster's ValidatingAdmissionPolicy safe-upgrades\.gateway\.networking\.k8s\.io refused the Gateway API v1\.6\.1 standard CRDs .*without --reuse/,
    );
  });

  it('--reuse writes the existing cluster kubeconfig privately and never creates or deletes', async () => {
    const o = kindOptions({ reuse: true });
    const f = kindFakes({}, { clusters: ['kind', 'kindgate-t1'] });
    const provider = createKindProvider(o, istioProfile, f.deps);
    // The cluster stays after the run: the session removes the run's namespaces instead.
    expect(provider.clusterOutlivesRun).toBe(true);
    expect(createKindProvider(kindOptions(), istioProfile, f.deps).clusterOutlivesRun).toBe(false);
    await provider.start(createMemoryLogger());
    await provider.stop(createMemoryLogger());
    expect(readFileSync(provider.kubeconfigPath(), 'utf8')).toContain('kind: Config');
    expect(statSync(provider.kubeconfigPath()).mode & 0o777).toBe(0o600);
    expect(f.commands.some((c) => c.includes('create cluster') || c.includes('delete cluster'))).toBe(false);
  });

  it('refuses to create over an existing cluster of the same name, and does not delete it', async () => {
    const f = kindFakes({}, { clusters: ['kindgate-t1'] });
    const error = await startError(kindOptions(), f.deps);
    expect(error.message).toMatch(/already exists.*--reuse/);
    expect(f.commands.some((c) => c.includes('delete cluster'))).toBe(false);
  });

  it('refuses a --kubeconfig that already holds something (e.g. ~/.kube/config) before anything is created, and leaves it intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kg-home-'));
    const mine = join(dir, 'config');
    writeFileSync(mine, 'apiVersion: v1\nkind: Config\ncurrent-context: work\n');
    const f = kindFakes();
    const o = kindOptions({ kubeconfig: mine });
    const error = await startError(o, f.deps);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      `--kubeconfig ${mine} already exists and is not empty, and kindgate would overwrite it with this cluster's credentials; choose a new path, or omit --kubeconfig to use ${join(o.cacheDir, 'clusters', 'kindgate-t1.kubeconfig')}.`,
    );
    expect(readFileSync(mine, 'utf8')).toContain('current-context: work');
    expect(f.commands.some((c) => c.includes('kind'))).toBe(false);
  });

  it('takes a new or empty --kubeconfig, and its own file of an earlier run of this cluster', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kg-home-'));
    const empty = join(dir, 'empty');
    writeFileSync(empty, '', { mode: 0o600 }); // as mktemp makes it: private
    for (const kubeconfig of [join(dir, 'new', 'kc'), empty]) {
      const provider = createKindProvider(kindOptions({ kubeconfig }), istioProfile, kindFakes().deps);
      await provider.start(createMemoryLogger());
      await provider.stop(createMemoryLogger());
    }
    const o = kindOptions();
    const own = join(o.cacheDir, 'clusters', 'kindgate-t1.kubeconfig');
    mkdirSync(join(o.cacheDir, 'clusters'));
    writeFileSync(own, 'apiVersion: v1\nkind: Config\n');
    const again = createKindProvider({ ...o, kubeconfig: own }, istioProfile, kindFakes().deps);
    await again.start(createMemoryLogger());
    await again.stop(createMemoryLogger());
  });

  it('tightens an existing clusters directory to 0700', async () => {
    const o = kindOptions();
    mkdirSync(join(o.cacheDir, 'clusters'), { mode: 0o755 });
    chmodSync(join(o.cacheDir, 'clusters'), 0o755);
    const provider = createKindProvider(o, istioProfile, kindFakes().deps);
    await provider.start(createMemoryLogger());
    expect(statSync(join(o.cacheDir, 'clusters')).mode & 0o777).toBe(0o700);
    await provider.stop(createMemoryLogger());
  });

  it('--preload-images pulls on the host and loads into the node after the API server answers, before any install', async () => {
    const f = kindFakes();
    const log = createMemoryLogger();
    const order: string[] = [];
    const run = f.deps.run!;
    const kube = f.deps.kube!;
    const deps: Partial<KindProviderDeps> = {
      ...f.deps,
      run: async (c, l, opts) => {
        if (c.args[0] === 'pull' || c.args[0] === 'load') order.push(formatCommand(c).split(' ').slice(0, 3).join(' '));
        return run(c, l, opts);
      },
      kube: (path) => ({
        ...kube(path),
        waitForApi: async () => void order.push('API server answers'),
        apply: async (input, opts) => {
          order.push('apply');
          return kube(path).apply(input, opts);
        },
      }),
    };
    const provider = createKindProvider(kindOptions({ preloadImages: true }), istioProfile, deps);
    await provider.start(log);
    expect(order.slice(0, 8)).toEqual([
      'API server answers',
      'docker pull quay.io/metallb/controller:v0.16.1',
      'docker pull quay.io/metallb/speaker:v0.16.1',
      'docker pull docker.io/istio/pilot:1.31.0',
      'docker pull docker.io/istio/proxyv2:1.31.0',
      'docker pull ghcr.io/mccutchen/go-httpbin:2.25.0',
      '/usr/local/bin/kind load docker-image',
      'apply',
    ]);
    expect(f.commands).toContain(
      '/usr/local/bin/kind load docker-image quay.io/metallb/controller:v0.16.1 quay.io/metallb/speaker:v0.16.1 ' +
        'docker.io/istio/pilot:1.31.0 docker.io/istio/proxyv2:1.31.0 ghcr.io/mccutchen/go-httpbin:2.25.0 --name kindgate-t1',
    );
    expect(log.lines.some((l) => l.startsWith('✓ 5 images preloaded into the node ('))).toBe(true);
    await provider.stop(log);
  });

  it('a failed preload only warns: the node pulls the images itself and the run goes on', async () => {
    const f = kindFakes();
    const run = f.deps.run!;
    const deps: Partial<KindProviderDeps> = {
      ...f.deps,
      run: async (c, l, opts) => {
        if (c.args[0] === 'pull') throw new Error('toomanyrequests: You have reached your pull rate limit');
        return run(c, l, opts);
      },
    };
    const log = createMemoryLogger();
    const provider = createKindProvider(kindOptions({ preloadImages: true }), istioProfile, deps);
    await provider.start(log);
    expect(log.lines).toContain(
      '! preloading images failed (toomanyrequests: You have reached your pull rate limit); the node pulls them itself',
    );
    expect(f.commands.some((c) => c.includes('load docker-image'))).toBe(false);
    expect(log.lines.some((l) => l.startsWith('✓ MetalLB v0.16.1 ready ('))).toBe(true);
    await provider.stop(log);
  });

  it('without --preload-images nothing is pulled on the host and there is no images step line', async () => {
    const f = kindFakes();
    const log = createMemoryLogger();
    const provider = createKindProvider(kindOptions(), istioProfile, f.deps);
    await provider.start(log);
    expect(f.commands.some((c) => c.includes(' pull ') || c.includes('load docker-image'))).toBe(false);
    expect(log.lines.some((l) => l.includes('preloaded'))).toBe(false);
    await provider.stop(log);
  });

  it('--keep leaves the cluster', async () => {
    const f = kindFakes();
    const provider = createKindProvider(kindOptions({ keep: true }), istioProfile, f.deps);
    await provider.start(createMemoryLogger());
    await provider.stop(createMemoryLogger());
    expect(f.commands.some((c) => c.includes('delete cluster'))).toBe(false);
  });

  it('on Docker Desktop (docker info) reaches the Gateway address through one relay, removed at stop with a label sweep', async () => {
    const o = kindOptions();
    const f = kindFakes({}, { engineInfo: DOCKER_DESKTOP_INFO });
    const provider = createKindProvider(o, istioProfile, f.deps);
    await provider.start(createMemoryLogger());
    const gw = { namespace: 'istio-system', name: 'external-gateway' };
    expect(await provider.endpoint(gw, 'http')).toEqual({ host: '127.0.0.1', port: 32768 });
    await provider.endpoint(gw, 'http');
    expect(f.relays).toHaveLength(1);
    await provider.stop(createMemoryLogger());
    expect(f.relays[0].stopped).toBe(true);
    expect(f.commands).toContain('docker ps -aq --filter label=kindgate.relay=kindgate-t1');
    expect(f.commands).toContain(deleteLine(o));
  });

  it('on Linux with a local engine an address that never answers is an error naming its Service, endpoints, speaker and events; diagnostics keep them', async () => {
    const o = kindOptions();
    const f = kindFakes();
    const kube = f.deps.kube!;
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'external-gateway-istio', namespace: 'istio-system' },
      spec: { type: 'LoadBalancer' },
      status: { loadBalancer: { ingress: [{ ip: '172.18.255.200' }] } },
    } as KubeObject;
    const selectors: string[] = [];
    const deps: Partial<KindProviderDeps> = {
      ...f.deps,
      kube: (path) => ({
        ...kube(path),
        list: async (_v, kind, opts = {}) => {
          selectors.push(`${kind} ${opts.labelSelector ?? ''}`);
          if (kind === 'Service') return [svc];
          if (kind === 'EndpointSlice')
            return [{ endpoints: [{ conditions: { ready: false } }] } as unknown as KubeObject];
          return [];
        },
      }),
    };
    const provider = createKindProvider(o, istioProfile, deps);
    const log = createMemoryLogger();
    await provider.start(log);
    const error = await provider
      .endpoint({ namespace: 'istio-system', name: 'external-gateway' }, 'http')
      .catch((e) => e);
    expect(error.exitCode).toBe(4);
    expect(error.message).toMatch(
      /^172\.18\.255\.200:80 \(the address of Gateway istio-system\/external-gateway\) did not accept a TCP connection within 0 s, although the kind network is routable from this host: Service istio-system\/external-gateway-istio \(LoadBalancer, 172\.18\.255\.200\) has 0 of 1 endpoints ready in 1 EndpointSlice; MetalLB speaker DaemonSet metallb-system\/speaker/,
    );
    expect(selectors[0]).toBe('Service gateway.networking.k8s.io/gateway-name=external-gateway');
    expect(f.relays).toHaveLength(0);
    const dir = mkdtempSync(join(tmpdir(), 'kg-diag-'));
    await provider.diagnose!(dir, log);
    expect(readFileSync(join(dir, 'gateway-reach.md'), 'utf8')).toContain(
      '- endpoints: 0 of 1 endpoints ready in 1 EndpointSlice',
    );
    await provider.stop(log);
  });

  it('uses the status address directly when it answers', async () => {
    const f = kindFakes();
    const provider = createKindProvider(kindOptions(), istioProfile, { ...f.deps, connectable: async () => true });
    await provider.start(createMemoryLogger());
    expect(await provider.endpoint({ namespace: 'istio-system', name: 'external-gateway' }, 'http')).toEqual({
      host: '172.18.255.200',
      port: 80,
    });
    expect(f.relays).toHaveLength(0);
    await provider.stop(createMemoryLogger());
  });
});

describe('a vendor profile under --provider kind', () => {
  const manifestDir = mkdtempSync(join(tmpdir(), 'kg-vendor-'));
  const classManifest = join(manifestDir, 'acme-class.yaml');
  writeFileSync(
    classManifest,
    'apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: acme}\nspec: {controllerName: example.com/acme}\n',
  );
  const acme: Profile = {
    name: 'acme',
    gatewayClassName: 'acme',
    controllerName: 'example.com/acme',
    serverHeader: /.+/,
    supportedFeatures: ['Gateway', 'HTTPRoute', 'ReferenceGrant'],
    implementation: { organization: 'example', project: 'acme-gateway', url: '', version: 'v1.2.3', contact: [] },
    diagnostics: { controllerPods: [], gatewayPodSelector: 'gateway.networking.k8s.io/gateway-name={gateway}' },
    install: {
      type: 'vendor',
      command: ['helm', 'install', 'acme', './chart dir', '--wait'],
      manifests: [classManifest],
      timeoutMs: 90_000,
      gatewayClassTimeoutMs: 30_000,
    },
  };
  const host = { platform: 'linux', arch: 'x64', env: {} };

  it('plans the vendor install instead of Istio: no istioctl tool, the command with KUBECONFIG, then the manifests, then the GatewayClass', () => {
    const o = kindOptions({ cacheDir: '/home/u/.cache/kindgate' });
    const kc = '/home/u/.cache/kindgate/clusters/kindgate-t1.kubeconfig';
    const plan = planKindRun(o, acme, host);
    expect(plan.tools.map((t) => t.name)).toEqual(['kind']);
    expect(plan.installs.implementation).toEqual({
      type: 'vendor',
      profile: 'acme',
      command: {
        file: 'helm',
        args: ['install', 'acme', './chart dir', '--wait'],
        timeoutMs: 90_000,
        env: { KUBECONFIG: kc },
      },
      manifests: [classManifest],
      gatewayClass: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', name: 'acme' },
      gatewayClassTimeoutMs: 30_000,
    });

    const text = formatPlan(plan);
    expect(text).not.toContain('istioctl');
    expect(text).toContain('helm (profile.install.command) is on PATH');
    const order = [
      '4b. Gateway API v1.6.1 CRDs',
      '4c. acme (profile.install of the config file), after 4b: the Gateway API CRDs are Established',
      `$ KUBECONFIG=${kc} helm install acme './chart dir' --wait   (no shell; up to 90 s)`,
      `server-side apply ${classManifest} (field manager kindgate)`,
      'wait GatewayClass acme Accepted=True (30 s)',
      '6. Teardown',
    ].map((needle) => text.indexOf(needle));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('refuses a profile without an install step with one sentence', () => {
    const error = (() => {
      try {
        planKindRun(kindOptions(), { ...acme, install: undefined }, host);
      } catch (e) {
        return e as Error & { exitCode: number };
      }
    })();
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toMatch(
      /^Profile "acme" has no install step, so --provider kind cannot install it; add profile\.install .* or use --provider existing/,
    );
  });

  /** The fakes, with one ordered record of commands, applies and waits. */
  function recorded(f: ReturnType<typeof kindFakes>) {
    const order: string[] = [];
    const run = f.deps.run!;
    const kube = f.deps.kube!;
    const deps: Partial<KindProviderDeps> = {
      ...f.deps,
      run: async (c, log) => {
        order.push(`run ${c.file}`);
        return run(c, log);
      },
      kube: (path) => {
        const k = kube(path);
        return {
          ...k,
          apply: async (input, opts) => {
            order.push(String(input).includes('kind: GatewayClass') ? 'apply GatewayClass' : 'apply');
            return k.apply(input, opts);
          },
          waitFor: async (ref, predicate, opts) => {
            order.push(`wait ${ref.kind} ${ref.name}`);
            return k.waitFor(ref, predicate, opts);
          },
        };
      },
    };
    return { order, deps };
  }

  it('runs the vendor command with the run kubeconfig after the CRDs are Established, applies the manifests, waits for the class', async () => {
    const f = kindFakes({}, { onPath: ['helm'] });
    const { order, deps } = recorded(f);
    const log = createMemoryLogger();
    const provider = createKindProvider(kindOptions(), acme, deps);
    await provider.start(log);
    const helm = f.ran.find((c) => c.file === 'helm')!;
    expect(helm).toMatchObject({
      args: ['install', 'acme', './chart dir', '--wait'],
      env: { KUBECONFIG: provider.kubeconfigPath() },
      timeoutMs: 90_000,
    });
    expect(f.commands.some((c) => c.includes('istioctl'))).toBe(false);
    expect(f.applied.some((a) => a.includes('controllerName: example.com/acme'))).toBe(true);
    const lastCrd = order.lastIndexOf('wait CustomResourceDefinition httproutes.gateway.networking.k8s.io');
    expect(lastCrd).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('run helm')).toBeGreaterThan(lastCrd);
    expect(order.indexOf('apply GatewayClass')).toBeGreaterThan(order.indexOf('run helm'));
    expect(order.indexOf('wait GatewayClass acme')).toBeGreaterThan(order.indexOf('apply GatewayClass'));
    expect(log.lines.some((l) => /^✓ tools: kind v0\.33\.0 \(/.test(l))).toBe(true);
    expect(log.lines.some((l) => /^✓ acme installed \(GatewayClass acme Accepted\) \(/.test(l))).toBe(true);
    await provider.stop(log);
  });

  it('a failing vendor command deletes the cluster and exits 4 with the command and its stderr', async () => {
    const o = kindOptions();
    const failure = new CommandError(
      "helm install acme './chart dir' --wait",
      1,
      'Error: INSTALLATION FAILED: chart not found',
      'exit',
      "`helm install acme './chart dir' --wait` exited with code 1: Error: INSTALLATION FAILED: chart not found",
    );
    const f = kindFakes({ vendor: failure }, { onPath: ['helm'] });
    const error = await startError(o, f.deps, acme);
    expect(error.exitCode).toBe(4);
    expect(error.message).toMatch(
      /helm install acme '\.\/chart dir' --wait` exited with code 1: Error: INSTALLATION FAILED: chart not found/,
    );
    expect(f.commands).toContain(deleteLine(o));
    expect(f.applied.some((a) => a.includes('kind: GatewayClass'))).toBe(false);
  });

  it('a vendor command missing from PATH stops at preflight (exit 3) before any cluster exists', async () => {
    const f = kindFakes();
    const error = await startError(kindOptions(), f.deps, acme);
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(
      /^`helm` \(profile\.install\.command of profile acme\) was not found on PATH; install it/,
    );
    expect(f.commands.some((c) => c.includes('create cluster') || c.includes('delete cluster'))).toBe(false);
  });
});

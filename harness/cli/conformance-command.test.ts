import { chmodSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pins } from '../pins.ts';
import { main } from './main.ts';

/** `kindgate conformance …` in-process, with what it printed. */
async function kindgate(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (err.push(String(chunk)), true));
  try {
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

const cacheDir = mkdtempSync(join(tmpdir(), 'kg-conf-cache-'));

function vendorConfig(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kg-conf-')), 'kindgate.yaml');
  writeFileSync(
    file,
    `profile:
  name: acme
  gatewayClassName: acme-class
  controllerName: example.com/acme-controller
  supportedFeatures: [HTTPRouteQueryParamMatching]
  conformanceProfiles: [GATEWAY-HTTP, GATEWAY-GRPC]
  implementation:
    organization: example
    project: acme-gateway
    version: "v1.2.3"
    url: https://example.com/acme
    contact: ["@example/gateway-maintainers"]
  install:
    command: [helm, install, acme, oci://registry.example.com/charts/acme]
`,
  );
  return file;
}

describe('kindgate conformance --dry-run', () => {
  it('kind: runner image by digest, source archive URL + sha256, network, internal kubeconfig, the full upstream command line', async () => {
    const run = await kindgate([
      'conformance',
      '--provider',
      'kind',
      '--dry-run',
      '--name',
      'demo',
      '--cache-dir',
      cacheDir,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const text = run.stdout;
    expect(text).toContain(`image ${pins.conformance.runnerImage} (pinned by digest`);
    expect(pins.conformance.runnerImage).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(text).toContain(
      `GET ${pins.conformance.defaultGoProxy}/sigs.k8s.io/gateway-api/conformance/@v/v1.6.1.zip (727,591 bytes)`,
    );
    expect(text).toContain('sha256 bdbe29c20c816a97e8aa93c728f48c1f6e732a03c56d18c373f2c3672108dfc4');
    expect(text).toContain(
      `GET ${pins.conformance.defaultGoProxy}/sigs.k8s.io/gateway-api/@v/v1.6.1.zip (2,763,672 bytes)`,
    );
    expect(text).toContain('on docker network kind');
    expect(text).toContain(`$ kind get kubeconfig --internal --name kindgate-demo`);
    expect(text).toContain(`${cacheDir}/clusters/kindgate-demo.internal.kubeconfig`);
    const runLine = text.split('\n').find((l) => l.includes('$ docker run --name'))!;
    expect(runLine).toContain(
      `--network kind -v ${cacheDir}/clusters/kindgate-demo.internal.kubeconfig:/kindgate/kubeconfig:ro`,
    );
    expect(runLine).toContain('-v kindgate-go-cache:/kindgate/go');
    const upstream = text.split('\n').find((l) => l.trim().startsWith('go test -v'))!;
    for (const flag of [
      '-timeout=3h0m0s',
      '--gateway-class=istio',
      '--supported-features=Gateway,HTTPRoute,ReferenceGrant,HTTPRouteHostRewrite,HTTPRouteQueryParamMatching,HTTPRouteMethodMatching,HTTPRouteResponseHeaderModification',
      '--report-output=/tmp/kindgate-conformance-report.yaml',
      '--organization=istio',
      '--project=istio',
      '--url=https://istio.io',
      `--version=${pins.istio.version}`,
      '--contact=@istio/maintainers',
      '--conformance-profiles=GATEWAY-HTTP',
    ])
      expect(upstream).toContain(flag);
    expect(text).toContain("go test -timeout 3h0m0s, above Go's default 10 minutes");
    expect(text).toContain(`standard-${pins.istio.version}-default-report.yaml: the upstream report, byte for byte`);
    // The cluster part is the kind plan `kindgate test --dry-run` prints; fixtures and suites are not in it.
    expect(text).toContain('$ kind create cluster --name kindgate-demo');
    expect(text).not.toContain('server-side apply (field manager kindgate) of');
    expect(text).not.toMatch(/suites \(vitest\)/);
    // Nothing was created.
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('kind with a vendor profile: the vendor class, features, profiles and implementation fields', async () => {
    const run = await kindgate([
      'conformance',
      '--config',
      vendorConfig(),
      '--profile',
      'acme',
      '--dry-run',
      '--cache-dir',
      cacheDir,
    ]);
    expect(run.code).toBe(0);
    const upstream = run.stdout.split('\n').find((l) => l.trim().startsWith('go test -v'))!;
    for (const flag of [
      '--gateway-class=acme-class',
      '--supported-features=Gateway,HTTPRoute,ReferenceGrant,HTTPRouteQueryParamMatching',
      '--conformance-profiles=GATEWAY-HTTP,GATEWAY-GRPC',
      '--organization=example',
      '--project=acme-gateway',
      '--url=https://example.com/acme',
      '--version=v1.2.3',
      '--contact=@example/gateway-maintainers',
    ])
      expect(upstream).toContain(flag);
    expect(run.stdout).toMatch(/\$ KUBECONFIG=\S+ helm install acme oci:\/\/registry\.example\.com\/charts\/acme/);
    expect(run.stdout).toContain('standard-v1.2.3-default-report.yaml');
  });

  it('kind --runner local: go on PATH, caches under the cache dir, the external kubeconfig', async () => {
    const run = await kindgate([
      'conformance',
      '--runner',
      'local',
      '--dry-run',
      '--name',
      'demo',
      '--cache-dir',
      cacheDir,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('runner local: go >= 1.26.0 on PATH: $ go env GOVERSION');
    expect(run.stdout).toContain(`KUBECONFIG=${cacheDir}/clusters/kindgate-demo.kubeconfig`);
    expect(run.stdout).toContain(`GOMODCACHE=${cacheDir}/go/mod GOCACHE=${cacheDir}/go/build`);
    expect(run.stdout).toContain(
      `go test -C ${cacheDir}/conformance/gateway-api-v1.6.1/module -v -count=1 -timeout=3h0m0s`,
    );
    expect(run.stdout).not.toContain('--internal');
  });

  it('sim: the local runner, and the plain warning that a simulated cluster is never to be submitted', async () => {
    const run = await kindgate(['conformance', '--provider', 'sim', '--dry-run', '--cache-dir', cacheDir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('kindgate plan: kindgate conformance, provider sim');
    expect(run.stdout).toContain('Never submit this report.');
    expect(run.stdout).toContain('runner local: go >= 1.26.0');
    expect(run.stdout).toContain('--cleanup-base-resources=false');
  });

  it('existing: a runner container on the host network with your kubeconfig (or --runner local)', async () => {
    const run = await kindgate([
      'conformance',
      '--provider',
      'existing',
      '--kubeconfig',
      '/home/u/.kube/lab',
      '--dry-run',
      '--cache-dir',
      cacheDir,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('kindgate plan: kindgate conformance, provider existing');
    expect(run.stdout).toContain('--network host -v /home/u/.kube/lab:/kindgate/kubeconfig:ro');
    expect(run.stdout).toContain('--label kindgate.conformance-runner=existing');
    expect(run.stdout).toContain('--cleanup-base-resources=true');
    const local = await kindgate([
      'conformance',
      '--provider',
      'existing',
      '--kubeconfig',
      '/k',
      '--runner',
      'local',
      '--dry-run',
    ]);
    expect(local.stdout).toContain('KUBECONFIG=/k ');
  });

  it('usage errors are one sentence with exit 2, before anything is done', async () => {
    const run = await kindgate(['conformance', '--provider', 'sim', '--runner', 'container']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^kindgate: --runner container cannot reach the simulated cluster[^\n]*\.\n$/);
    const help = await kindgate(['conformance', '--help']);
    expect(help.stdout).toContain('--run-test NAME');
    expect(help.stdout).not.toContain('--suites');
  });
});

describe('kindgate conformance --runner local without a usable go', () => {
  /** Run with PATH set to `dir` only: `go` is whatever is (or is not) there. */
  async function withPath(dir: string) {
    const saved = process.env.PATH;
    process.env.PATH = dir;
    try {
      const reports = mkdtempSync(join(tmpdir(), 'kg-conf-reports-'));
      const run = await kindgate([
        'conformance',
        '--provider',
        'sim',
        '--report-dir',
        reports,
        '--cache-dir',
        cacheDir,
      ]);
      return { ...run, reports };
    } finally {
      process.env.PATH = saved;
    }
  }

  it('no go on PATH: one sentence, exit 3, nothing started or written', async () => {
    const run = await withPath(mkdtempSync(join(tmpdir(), 'kg-empty-path-')));
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      'kindgate: `go` was not found on PATH, and --runner local builds the upstream suite with it; install Go >= 1.26.0 (https://go.dev/dl/), or drop --runner local to use the runner container.\n',
    );
    expect(readdirSync(run.reports)).toEqual([]);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('a go older than the suite needs: one sentence, exit 3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kg-old-go-'));
    writeFileSync(join(dir, 'go'), '#!/bin/sh\necho go1.25.3\n');
    chmodSync(join(dir, 'go'), 0o755);
    const run = await withPath(dir);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      'kindgate: `go` on PATH is go1.25.3, but the upstream suite v1.6.1 needs Go >= 1.26.0; install a newer Go (https://go.dev/dl/), or drop --runner local to use the runner container.\n',
    );
  });
});

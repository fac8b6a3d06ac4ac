import { chmodSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pins } from '../pins.ts';
import { REPORT_DIR_LOCK } from '../reports/report-dir.ts';
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

/**
 * Run with this machine's Go environment set: GOPROXY (undefined = unset) and PATH (a directory
 * whose `go` prints `goEnvProxy` for `go env GOPROXY`, or holds no `go` at all).
 */
async function withGoEnv<T>(goproxy: string | undefined, goEnvProxy: string | undefined, work: () => Promise<T>) {
  const saved = { PATH: process.env.PATH, GOPROXY: process.env.GOPROXY };
  const dir = mkdtempSync(join(tmpdir(), 'kg-go-env-'));
  if (goEnvProxy !== undefined) {
    const script = `#!/bin/sh\ncase "$1 $2" in\n"env GOPROXY") echo '${goEnvProxy}';;\n"env GOVERSION") echo go1.26.8;;\nesac\n`;
    writeFileSync(join(dir, 'go'), script);
    chmodSync(join(dir, 'go'), 0o755);
  }
  process.env.PATH = dir;
  if (goproxy === undefined) delete process.env.GOPROXY;
  else process.env.GOPROXY = goproxy;
  try {
    return await work();
  } finally {
    process.env.PATH = saved.PATH;
    if (saved.GOPROXY === undefined) delete process.env.GOPROXY;
    else process.env.GOPROXY = saved.GOPROXY;
  }
}

/** A proxy of this test's own: the dry run must never print it (it names where sources come from, not a host). */
const MIRROR = 'goproxy.example.test';

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
  it('kind: runner image by digest, source archive path + sha256, network, internal kubeconfig, the full upstream command line', async () => {
    const run = await withGoEnv(`https://${MIRROR},direct`, undefined, () =>
      kindgate(['conformance', '--provider', 'kind', '--dry-run', '--name', 'demo', '--cache-dir', cacheDir]),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const text = run.stdout;
    expect(text).toContain(`image ${pins.conformance.runnerImage} (pinned by digest`);
    expect(pins.conformance.runnerImage).toMatch(/@sha256:[0-9a-f]{64}$/);
    // The sources: from this machine's own proxy (named by where it was learned), each verified by sha256.
    expect(text).toContain('downloaded on this machine from the first proxy of its GOPROXY (GOPROXY)');
    expect(text).toContain(
      'GET <first proxy of GOPROXY>/sigs.k8s.io/gateway-api/conformance/@v/v1.6.1.zip (727,591 bytes)\n' +
        '         sha256 bdbe29c20c816a97e8aa93c728f48c1f6e732a03c56d18c373f2c3672108dfc4',
    );
    expect(text).toContain('GET <first proxy of GOPROXY>/sigs.k8s.io/gateway-api/@v/v1.6.1.zip (2,763,672 bytes)');
    expect(text).toContain('Go checks them again against the pinned go.sum');
    // The runner gets the file proxy first and this machine's list by name; no host is printed.
    expect(text).toContain('GOPROXY=file:///kindgate/workspace/goproxy,"$GOPROXY" handed over by name (-e GOPROXY)');
    expect(text).not.toContain(MIRROR);
    expect(text).toContain('on docker network kind');
    expect(text).toContain(`$ kind get kubeconfig --internal --name kindgate-demo`);
    expect(text).toContain(`${cacheDir}/clusters/kindgate-demo.internal.kubeconfig`);
    const runLine = text.split('\n').find((l) => l.includes('$ docker run --name'))!;
    expect(runLine).toContain(
      `--network kind -v ${cacheDir}/clusters/kindgate-demo.internal.kubeconfig:/kindgate/kubeconfig:ro`,
    );
    expect(runLine).toContain('-v kindgate-go-cache:/kindgate/go');
    expect(runLine).toContain(' -e GOTOOLCHAIN=local -e GOWORK=off -e GOPROXY ');
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

  it('kind with no proxy known here (no GOPROXY, no go): the runner’s Go fetches the modules, go.sum verifies them', async () => {
    const run = await withGoEnv(undefined, undefined, () =>
      kindgate(['conformance', '--provider', 'kind', '--dry-run', '--name', 'demo', '--cache-dir', cacheDir]),
    );
    expect(run.code).toBe(0);
    const text = run.stdout;
    expect(text).toContain(
      "sources: the runner's Go fetches every module itself, with its own defaults: no Go module proxy is known on this machine",
    );
    expect(text).toContain(
      'Go refuses any module whose hash differs from the pinned go.sum (GOFLAGS=-mod=readonly; GOSUMDB left as it is): ' +
        'sigs.k8s.io/gateway-api/conformance v1.6.1 h1:hjJJBYhGlLLDAkpbiL8wYP2JmTbc5D6t/DromATFXbI=',
    );
    expect(text).not.toContain('/@v/v1.6.1.zip');
    const runLine = text.split('\n').find((l) => l.includes('$ docker run --name'))!;
    expect(runLine).toContain('-e GOFLAGS=-mod=readonly');
    expect(runLine).not.toContain('GOPROXY');
    expect(text).not.toMatch(/GOSUMDB=|GONOSUMDB=|GONOSUMCHECK=|GOINSECURE=/);
  });

  it('--runner local: GOPROXY learned from `go env GOPROXY`, shown by where it comes from', async () => {
    const run = await withGoEnv(undefined, `https://${MIRROR}|direct`, () =>
      kindgate(['conformance', '--provider', 'sim', '--dry-run', '--cache-dir', cacheDir]),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('downloaded on this machine from the first proxy of its GOPROXY (go env GOPROXY)');
    expect(run.stdout).toContain(
      `GOPROXY=file://${cacheDir}/conformance/gateway-api-v1.6.1/goproxy,"$(go env GOPROXY)" GOTOOLCHAIN=local`,
    );
    expect(run.stdout).not.toContain(MIRROR);
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
    // The suite's test binary: built once per key into the cache dir, then run with go test -v's flags.
    const suite = `${cacheDir}/conformance/gateway-api-v1.6.1`;
    expect(run.stdout).toContain(`kept in ${suite}/bin/<key>/ with its size and sha256`);
    expect(run.stdout).toContain('<key>: sha256 of the suite version, go.mod, go.sum, conformance_test.go');
    expect(run.stdout).toContain(
      `GOTOOLCHAIN=local GOWORK=off go test -C ${suite}/module -c -o '${suite}/bin/<key>/conformance.test' '-ldflags=-s -w' .`,
    );
    expect(run.stdout).toContain(`run in ${suite}/module, as go test runs it`);
    expect(run.stdout).toContain(
      `$ KUBECONFIG=${cacheDir}/clusters/kindgate-demo.kubeconfig '${suite}/bin/<key>/conformance.test' ` +
        "-test.paniconexit0 -test.v=true -test.count=1 -test.timeout=3h0m0s '-test.run=^TestConformance$' --gateway-class=istio ",
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

describe('kindgate conformance --provider existing without --allow-existing', () => {
  it('names what the upstream suite will create, not the fixtures; exit 2, nothing in the report dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kg-conf-existing-'));
    const kubeconfig = join(dir, 'lab.kubeconfig');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\ncurrent-context: lab\nclusters: [{name: lab, cluster: {server: "https://127.0.0.1:1"}}]\n' +
        'users: [{name: u, user: {token: t}}]\ncontexts: [{name: lab, context: {cluster: lab, user: u}}]\n',
    );
    const reports = join(dir, 'reports');
    // A `go` that reports `off` for GOPROXY: nothing is downloaded before the provider refuses.
    const run = await withGoEnv(undefined, 'off', () =>
      kindgate([
        'conformance',
        '--provider',
        'existing',
        '--kubeconfig',
        kubeconfig,
        '--runner',
        'local',
        '--report-dir',
        reports,
        '--cache-dir',
        join(dir, 'cache'),
      ]),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'kindgate: kindgate did not create context "lab" and will not create or delete anything in it; ' +
        'pass --allow-existing to let it run the upstream conformance suite, which creates its namespaces ' +
        'gateway-conformance-infra, gateway-conformance-app-backend, gateway-conformance-web-backend and its base resources there.\n',
    );
    expect(run.stderr).not.toContain('fixtures');
    // The report dir kindgate made for this run is gone again: nothing was written to it.
    expect(existsSync(reports)).toBe(false);
    // GOPROXY=off names no proxy: nothing was downloaded, the runner's Go would fetch the modules.
    expect(run.stderr).toContain(
      "go env GOPROXY names no proxy to download from here: the runner's Go fetches the upstream suite v1.6.1 itself",
    );
    expect(run.stderr).toContain('upstream suite v1.6.1 module written (go.sum pins every dependency)');
    expect(readdirSync(join(dir, 'cache', 'conformance', 'gateway-api-v1.6.1'))).toEqual(['module']);
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

describe('kindgate conformance and a report dir another run is writing', () => {
  it("refuses it before anything starts (exit 2), leaving the other run's lock and files alone", async () => {
    const reports = mkdtempSync(join(tmpdir(), 'kg-conf-busy-'));
    const lock = JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() });
    writeFileSync(join(reports, REPORT_DIR_LOCK), lock);
    writeFileSync(join(reports, 'junit.xml'), '<testsuites/>\n');
    const run = await kindgate(['conformance', '--provider', 'sim', '--report-dir', reports, '--cache-dir', cacheDir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `--report-dir ${reports} is being written by another kindgate run (pid ${process.pid}`,
    );
    expect(readdirSync(reports).sort()).toEqual([REPORT_DIR_LOCK, 'junit.xml']);
  });
});

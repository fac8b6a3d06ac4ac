import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { builtinFixturesDir } from '../run/fixtures.ts';
import { parseXml, type XmlElement } from '../reports/xml-parse.test-helper.ts';
import type { CheckTiming, TimingEntry } from '../reports/timings.ts';
import { kindgateBin } from '../package-paths.ts';
import { removeTempDirs, tempDir } from './temp-dirs.test-helper.ts';

/** The real CLI, as a user runs it: a child process of `scripts/kindgate.js`. */
const bin = kindgateBin;
const kindgate = (args: string[], env: Record<string, string> = {}) =>
  execa('node', [bin, ...args], {
    reject: false,
    cwd: tempDir('kg-cwd-'),
    env: { NO_COLOR: '1', ...env },
    timeout: 120_000,
  });

/** A copy of the built-in fixtures whose v2 rule points at a Service that does not exist. */
function brokenFixtures(): string {
  const dir = tempDir('kg-broken-');
  cpSync(builtinFixturesDir, dir, { recursive: true });
  const route = join(dir, '30-httproute.yaml');
  writeFileSync(route, readFileSync(route, 'utf8').replace('name: httpbin-v2', 'name: httpbin-v3'));
  return dir;
}

const reportDir = () => tempDir('kg-reports-');
const testcases = (junit: XmlElement) =>
  junit.children.flatMap((suite) => suite.children.filter((c) => c.name === 'testcase'));
const readJunit = (dir: string) => parseXml(readFileSync(join(dir, 'junit.xml'), 'utf8'));
const readReport = (dir: string) => parseYaml(readFileSync(join(dir, 'conformance-report.yaml'), 'utf8'));

/**
 * `kindgate test --provider sim --report-dir DIR`, the plain green run: started once, by the first
 * test that asks, and looked at by every test about it.
 */
let greenRun: Promise<{ dir: string; run: Awaited<ReturnType<typeof kindgate>> }> | undefined;
function plainSimRun() {
  greenRun ??= (async () => {
    const dir = reportDir();
    return { dir, run: await kindgate(['test', '--provider', 'sim', '--report-dir', dir]) };
  })();
  return greenRun;
}

afterAll(removeTempDirs);

// Each test is its own child process: run them side by side.
describe.concurrent('kindgate CLI against the sim', () => {
  it('test --provider sim passes every suite, prints steps, tests and a summary, writes JUnit and a ConformanceReport', async () => {
    const { dir, run } = await plainSimRun();
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/✓ fixtures applied \(\d+ objects\) \(\d+\.\d s\)/);
    expect(run.stderr).toMatch(/✓ backends available/);
    expect(run.stderr).toMatch(/✓ header-routing › x-version: v2 routes \/env to v2/);
    expect(run.stderr).toMatch(/total\s+19\s+0\s+0/);
    expect(run.stderr).toMatch(/✓ teardown done/);
    expect(run.stderr).not.toMatch(/✗|\u001b\[/); // NO_COLOR: no escape codes

    const junit = readJunit(dir);
    expect(junit.attrs).toMatchObject({ tests: '19', failures: '0', skipped: '0' });
    expect(new Set(testcases(junit).map((t) => t.attrs.classname))).toEqual(
      new Set([
        'kindgate.gateway',
        'kindgate.httproute',
        'kindgate.routing',
        'kindgate.header-routing',
        'kindgate.troubleshooting',
      ]),
    );
    const report = readReport(dir);
    expect(report).toMatchObject({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'ConformanceReport',
      gatewayAPIVersion: 'v1.6.1',
      gatewayAPIChannel: 'standard',
      mode: 'default',
    });
    expect(report.implementation).toMatchObject({ organization: 'istio', project: 'istio', version: '1.31.0' });
    const profile = report.profiles.find((p: { name: string }) => p.name === 'GATEWAY-HTTP');
    expect(profile.core).toMatchObject({ result: 'success', statistics: { Passed: 19, Skipped: 0, Failed: 0 } });
    expect(profile.summary).toMatch(/headerV2 ↔ HTTPRouteHeaderMatching/);
    expect(profile.summary).toMatch(/proves the kindgate harness, not a Gateway API implementation/);
    expect(existsSync(join(dir, 'diagnostics'))).toBe(false);
  });

  // From timings.sim.test.ts: the same green run, its timings.json.
  it('after a green sim run timings.json has the phases that exist for the sim, each with a duration, and every check', async () => {
    const { dir, run } = await plainSimRun();
    expect(run.exitCode, run.stderr).toBe(0);
    const timings = JSON.parse(readFileSync(join(dir, 'timings.json'), 'utf8')) as TimingEntry[];
    const phases = timings.filter((e) => e.phase !== 'check').map((e) => e.phase);
    for (const phase of [
      'start-up',
      'cluster created',
      'fixtures applied',
      'backends Available',
      'Gateway external-gateway Programmed with an address',
      'endpoints resolved',
      'vitest loaded',
      'suites',
      'HTTPRoute httpbin-route Accepted',
      'first request through external-gateway/http',
      'teardown',
    ])
      expect(phases).toContain(phase);
    for (const entry of timings) {
      expect(entry.durationMs).toBeGreaterThanOrEqual(0);
      expect(Date.parse(entry.startedAt)).not.toBeNaN();
    }
    expect(timings.find((e) => e.phase === 'Gateway external-gateway Programmed with an address')?.detail).toMatch(
      /: 127(\.\d+){3}; Programmed=True$/,
    );
    const checks = timings.filter((e): e is CheckTiming => e.phase === 'check');
    // One per eventual check of the 19 tests: some tests make two (a status wait, then requests).
    expect(new Set(checks.map((c) => c.test)).size).toBe(19);
    for (const { check } of checks) {
      expect(check.outcome).toBe('converged');
      expect(check.attempts).toBeGreaterThanOrEqual(check.required);
      expect(check.consistentMs).toBeGreaterThanOrEqual(check.firstMatchMs!);
    }
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toMatch(
      /<property name="check\.1\.consistentMs" value="\d+"\/>/,
    );
  });

  it('a route to a missing backend exits 1, names the HTTPRoute, condition and reason, and leaves reports and a diagnostics bundle', async () => {
    const dir = reportDir();
    const run = await kindgate([
      'test',
      '--provider',
      'sim',
      '--fixtures',
      brokenFixtures(),
      '--suites',
      'httproute,header-routing',
      '--report-dir',
      dir,
      '--route-timeout',
      '2',
      '--consistency-window',
      '2',
    ]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/HTTPRoute kindgate-[0-9a-f]+\/httpbin-route: .*ResolvedRefs=False \(BackendNotFound/);
    expect(run.stderr).toMatch(/✓ teardown done/);

    const junit = readJunit(dir);
    expect(Number(junit.attrs.failures)).toBeGreaterThanOrEqual(1);
    const failed = testcases(junit).filter((t) => t.children.some((c) => c.name === 'failure'));
    expect(failed.map((t) => t.attrs.name)).toContain('HTTPRoute is Accepted with ResolvedRefs for its parent Gateway');
    const core = readReport(dir).profiles[0].core;
    expect(core.result).toBe('failure');
    expect(core.failedTests).toContain('routeAccepted');

    const bundle = join(dir, 'diagnostics');
    const ns = readdirSync(bundle).find((n) => /^kindgate-[0-9a-f]+$/.test(n))!;
    const routes = parseYaml(readFileSync(join(bundle, ns, 'httproutes.yaml'), 'utf8'));
    const route = (routes.items ?? [routes]).find(
      (r: { metadata: { name: string } }) => r.metadata.name === 'httpbin-route',
    );
    const conditions = route.status.parents[0].conditions;
    expect(conditions).toContainEqual(
      expect.objectContaining({ type: 'ResolvedRefs', status: 'False', reason: 'BackendNotFound' }),
    );
    expect(readFileSync(join(bundle, ns, 'events.txt'), 'utf8')).toMatch(/ScalingReplicaSet\s+Deployment\/httpbin-v2/);
    expect(readFileSync(join(bundle, 'README.md'), 'utf8')).toMatch(/ResolvedRefs=False \(BackendNotFound/);
  });

  it('a fixture the cluster cannot take is a setup failure: exit 4, a setup test case in JUnit, torn down', async () => {
    const dir = reportDir();
    const fixtures = tempDir('kg-unknown-');
    cpSync(builtinFixturesDir, fixtures, { recursive: true });
    writeFileSync(
      join(fixtures, '40-unknown.yaml'),
      'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: "{{namespace}}"\n',
    );
    const run = await kindgate(['test', '--provider', 'sim', '--fixtures', fixtures, '--report-dir', dir]);
    expect(run.exitCode).toBe(4);
    expect(run.stderr).toMatch(/kindgate: .*Widget.*unknown to the cluster/);
    expect(run.stderr).toMatch(/✓ teardown done/);
    const junit = readJunit(dir);
    expect(testcases(junit).map((t) => `${t.attrs.classname}/${t.attrs.name}`)).toContain('kindgate.setup/setup');
    expect(readReport(dir).profiles[0].core.result).toBe('failure');
  });

  const precious = join(tempDir('kg-kc-'), 'config');
  writeFileSync(precious, 'apiVersion: v1\nkind: Config\n');

  it('never overwrites a kubeconfig it did not write', async () => {
    const run = await kindgate(['test', '--provider', 'sim', '--kubeconfig', precious]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/--kubeconfig .* already exists and is not empty/);
    expect(readFileSync(precious, 'utf8')).toBe('apiVersion: v1\nkind: Config\n');
  });

  it.each([
    [['test', '--provider', 'sim', '--bogus'], /Unknown option '--bogus'/],
    [
      ['test', '--provider', 'sim', '--fixtures', '/nonexistent-dir'],
      /Fixture directory \/nonexistent-dir does not exist/,
    ],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('usage errors exit 2 with one sentence and no stack: %j', async (args, message) => {
    const run = await kindgate(args);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('--dry-run prints the whole kind plan, fixtures and suites included, in order, and creates nothing', async () => {
    const cache = tempDir('kg-cache-');
    const run = await kindgate([
      'test',
      '--provider',
      'kind',
      '--dry-run',
      '--name',
      'plan',
      '--cache-dir',
      cache,
      '--suites',
      'routing',
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    const order = [
      '1. Preflight',
      'kind create cluster --name kindgate-plan --image kindest/node:v1.36.4@sha256:099e049362a1526b2db71494e1947aae99bd16290d7c895f2b7ea312e3cbfaed',
      'metallb-native.yaml',
      'standard-install.yaml',
      'istioctl install --set profile=minimal -y',
      '6. The run',
      'HTTPRoute kindgate-',
      '- suites (vitest): routing',
      '7. Teardown',
      'kind delete cluster --name kindgate-plan',
    ];
    const positions = order.map((text) => run.stdout.indexOf(text));
    expect(
      positions.every((p) => p >= 0),
      `missing: ${order.filter((_, i) => positions[i] < 0).join(' | ')}`,
    ).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(readdirSync(cache)).toEqual([]); // nothing downloaded, nothing written
  });

  it('--help describes every command', async () => {
    for (const command of ['test', 'up', 'gc']) {
      const run = await kindgate([command, '--help']);
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`Usage: kindgate ${command}`));
      expect(run.stdout).toMatch(command === 'gc' ? /--dry-run/ : /--fixtures DIR/);
    }
    expect((await kindgate(['--help'])).stdout).toMatch(/Exit codes: 0 all passed/);
  });
});

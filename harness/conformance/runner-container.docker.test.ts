import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKindLikeNetwork, docker, runId, skipReason } from '../providers/kind/dockertest/setup.ts';
import { createMemoryLogger } from '../log.ts';
import { istioProfile } from '../profiles/istio.ts';
import { buildStandInImage, STAND_IN_IMAGE } from './dockertest/stand-in-image.ts';
import { GoTestOutput } from './go-test-output.ts';
import type { ConformanceOptions } from './options.ts';
import { copyUpstreamReport } from './report-files.ts';
import { CONTAINER_PATHS, planContainerRunner, RUNNER_LABEL, startContainerRunner } from './runner-container.ts';
import { upstreamFlags } from './upstream-command-line.ts';
import type { HostGoProxy } from './go-proxy.ts';
import { planWorkspace } from './workspace.ts';

const network = `kindgate-test-${runId}-conformance`;
const owner = `kindgate-test-${runId}`;
const volume = `kindgate-test-${runId}-gocache`;
/** What the stand-in writes as its report (runner-stand-in.c REPORT). */
const REPORT = Buffer.concat([
  Buffer.from(
    'apiVersion: gateway.networking.k8s.io/v1\r\nkind: ConformanceReport # written by the stand-in\ngatewayAPIChannel: standard\n' +
      'gatewayAPIVersion: v1.6.1\nimplementation:\n  project: caf',
  ),
  Buffer.from([0xc3, 0xa9]),
  Buffer.from('\n  version: v9.9.9\nmode: default\nprofiles: []'),
]);

const conformance = (runTest?: string): ConformanceOptions => ({
  runner: 'container',
  runnerImage: STAND_IN_IMAGE,
  conformanceProfiles: ['GATEWAY-HTTP'],
  mode: 'default',
  runTest,
  skipTests: [],
  exemptFeatures: [],
  allFeatures: false,
  goTestTimeoutMs: 3 * 3600_000,
});

/** This machine's Go module proxy, as learnGoProxy would report it (a name of the test's own). */
const hostProxy: HostGoProxy = {
  list: 'https://goproxy.example.test,direct',
  from: 'GOPROXY',
  base: 'https://goproxy.example.test',
};

function setup(name: string, runTest?: string, goProxy?: HostGoProxy) {
  const dir = mkdtempSync(join(tmpdir(), 'kg-runner-'));
  const workspace = planWorkspace(join(dir, 'cache'), goProxy);
  mkdirSync(workspace.moduleDir, { recursive: true });
  const kubeconfig = join(dir, 'internal.kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://${owner}-control-plane:6443\n`,
    {
      mode: 0o600,
    },
  );
  const stagingDir = join(dir, 'staging');
  mkdirSync(stagingDir, { mode: 0o700 });
  const plan = planContainerRunner({
    engine: 'docker',
    image: STAND_IN_IMAGE,
    name,
    network,
    kubeconfig,
    workspace,
    flags: (reportOutput) =>
      upstreamFlags({
        profile: istioProfile,
        run: { provider: 'kind', keep: false, reuse: false },
        conformance: conformance(runTest),
        reportOutput,
      }),
    timeoutMs: 3 * 3600_000,
    stagingDir,
    owner,
    volume,
    env: {},
  });
  return { dir, workspace, kubeconfig, plan, logFile: join(dir, 'go-test.log') };
}

const recorded = (log: string, key: string) =>
  log
    .split('\n')
    .filter((l) => l.startsWith(`STANDIN-${key} `))
    .map((l) => l.slice(`STANDIN-${key} `.length));

async function runnerLeftovers(): Promise<string> {
  return docker('ps', '-aq', '--filter', `label=${RUNNER_LABEL}=${owner}`);
}

describe.skipIf(Boolean(skipReason))(
  `conformance runner container${skipReason ? ` (SKIPPED: ${skipReason})` : ''}`,
  () => {
    let subnet = '';

    beforeAll(async () => {
      await buildStandInImage();
      await createKindLikeNetwork(network, `fc00:${runId.slice(0, 4)}:${runId.slice(4, 8)}:e795::/64`);
      const inspect = JSON.parse(await docker('network', 'inspect', network)) as {
        IPAM: { Config: { Subnet: string }[] };
      }[];
      subnet = inspect[0].IPAM.Config.map((c) => c.Subnet).find((s) => s.includes('.'))!;
    });

    afterAll(async () => {
      const left = (await runnerLeftovers()).split('\n').filter(Boolean);
      if (left.length) await docker('rm', '-f', ...left).catch(() => '');
      await docker('network', 'rm', network).catch(() => '');
      await docker('volume', 'rm', volume).catch(() => '');
      expect(left).toEqual([]);
      expect(await docker('network', 'ls', '-q', '--filter', `name=${network}`)).toBe('');
      expect(await docker('volume', 'ls', '-q', '--filter', `name=${volume}`)).toBe('');
    });

    it('starts on the cluster network with the internal kubeconfig, the workspace and the cache volume; the report arrives byte for byte', async () => {
      const { plan, logFile, kubeconfig } = setup(`kindgate-test-${runId}-runner`, undefined, hostProxy);
      const output = new GoTestOutput();
      const handle = startContainerRunner(plan, { logFile, onLine: (l) => output.feed(l), log: createMemoryLogger() });
      const outcome = await handle.done;
      const log = readFileSync(logFile, 'utf8');
      expect(outcome.exitCode).toBe(0);

      // The command: exactly the plan's `go test …` after the image.
      expect(recorded(log, 'ARG')).toEqual(plan.run.args.slice(plan.run.args.indexOf(STAND_IN_IMAGE) + 1));
      expect(recorded(log, 'ARG')).toContain('--gateway-class=istio');
      expect(recorded(log, 'ARG')).toContain(`--report-output=${CONTAINER_PATHS.report}`);
      expect(recorded(log, 'CWD')).toEqual(['/kindgate/workspace/module']);
      const env = recorded(log, 'ENV');
      expect(env).toEqual(
        expect.arrayContaining([
          'KUBECONFIG=/kindgate/kubeconfig',
          'GOMODCACHE=/kindgate/go/mod',
          'GOCACHE=/kindgate/go/build',
          'GOFLAGS=-mod=readonly',
          // Handed over by name (-e GOPROXY): the value reaches the runner, the command line shows none.
          'GOPROXY=file:///kindgate/workspace/goproxy,https://goproxy.example.test,direct',
          'GOTOOLCHAIN=local',
        ]),
      );
      expect(plan.run.args.join(' ')).not.toContain('goproxy.example.test');
      // Mounts: kubeconfig and workspace read-only, the cache volume writable.
      const mounts = recorded(log, 'MOUNT');
      const mount = (path: string) => mounts.find((m) => m.split(' ')[4] === path);
      expect(mount('/kindgate/kubeconfig')?.split(' ')[5]).toMatch(/^ro\b/);
      expect(mount('/kindgate/workspace')?.split(' ')[5]).toMatch(/^ro\b/);
      expect(mount('/kindgate/go')?.split(' ')[5]).toMatch(/^rw\b/);
      // The kubeconfig it read is the internal one (the API server by its container name).
      expect(recorded(log, 'KUBECONFIG').join('\n')).toBe(readFileSync(kubeconfig, 'utf8').trimEnd());
      // On the cluster's network: its address is in the network's IPv4 subnet.
      const prefix = subnet.split('.').slice(0, 2).join('.');
      expect(recorded(log, 'HOSTS').some((l) => l.startsWith(`${prefix}.`))).toBe(true);

      // The report, fetched with docker cp: byte for byte, readable by us, named the upstream way.
      expect(outcome.report).toBe(plan.stagedReport);
      expect(readFileSync(plan.stagedReport)).toEqual(REPORT);
      const reportDir = mkdtempSync(join(tmpdir(), 'kg-reports-'));
      const copied = await copyUpstreamReport(plan.stagedReport, reportDir);
      expect(copied.name).toBe('standard-v9.9.9-default-report.yaml');
      expect(readFileSync(copied.path)).toEqual(REPORT);
      expect(output.records().map((r) => [r.title, r.state])).toEqual([
        ['TestConformance', 'passed'],
        ['TestConformance/HTTPRouteSimpleSameNamespace', 'passed'],
      ]);
      // Nothing left: the container is gone; the cache volume stays for the next run.
      expect(await runnerLeftovers()).toBe('');
      expect(await docker('volume', 'ls', '-q', '--filter', `name=${volume}`)).toBe(volume);
    });

    it('stop() during a run removes the container and ends the run (no report); no proxy learned, no GOPROXY', async () => {
      const { plan, logFile } = setup(`kindgate-test-${runId}-runner-stop`, 'StandInSleeps');
      let sawStart!: () => void;
      const started = new Promise<void>((resolve) => (sawStart = resolve));
      const handle = startContainerRunner(plan, {
        logFile,
        onLine: (l) => l.startsWith('=== RUN   TestConformance/') && sawStart(),
        log: createMemoryLogger(),
      });
      await started;
      expect(await runnerLeftovers()).not.toBe('');
      await handle.stop();
      const outcome = await handle.done;
      // Without a proxy learned on this machine the image's Go keeps its own defaults.
      const env = recorded(readFileSync(logFile, 'utf8'), 'ENV');
      expect(env).toContain('GOFLAGS=-mod=readonly');
      expect(env.filter((e) => e.startsWith('GOPROXY='))).toEqual([]);
      expect(outcome.exitCode).not.toBe(0);
      expect(outcome.report).toBeUndefined();
      expect(await runnerLeftovers()).toBe('');
    });
  },
);

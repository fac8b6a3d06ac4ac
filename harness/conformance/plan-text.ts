import { formatCommand, type CommandLine } from '../exec.ts';
import { pins } from '../pins.ts';
import { GO_TEST_LOG, UPSTREAM_NAMESPACES, type ConformancePlan } from './plan.ts';
import { goDuration } from './upstream-command-line.ts';
import type { ConformanceOptions } from './options.ts';
import { CONTAINER_GOPROXY } from './runner-container.ts';
import type { LocalRunnerPlan } from './runner-local.ts';
import { MODULE_FILES, shellGoProxy, type WorkspacePlan } from './workspace.ts';

const cmd = (c: CommandLine) => `$ ${formatCommand(c)}`;

/**
 * The runner's GOPROXY as a shell would write it: this machine's list by where it comes from
 * (`"$(go env GOPROXY)"`), never by its value; `goproxyDir` is the file proxy as the runner sees it.
 */
function shownGoProxy(workspace: WorkspacePlan, goproxyDir: string): string | undefined {
  const { sources } = workspace;
  if (!sources.proxy) return undefined;
  const first = sources.kind === 'host' ? formatCommand({ file: `file://${goproxyDir},`, args: [] }) : '';
  return `${first}${shellGoProxy(sources.proxy.from)}`;
}

/** A command with its environment, as a shell would take it (for the local runner). */
function withEnv(c: CommandLine, workspace: WorkspacePlan): string {
  const env = Object.entries(c.env ?? {}).map(([k, v]) =>
    k === 'GOPROXY'
      ? `GOPROXY=${shownGoProxy(workspace, workspace.goproxyDir)}`
      : formatCommand({ file: `${k}=${v}`, args: [] }),
  );
  return `$ ${[...env, formatCommand(c)].join(' ')}`;
}

/** The local runner: the test binary kept per key, its build when there is none, and its run. */
function localRunnerLines(runner: LocalRunnerPlan, workspace: WorkspacePlan): string[] {
  return [
    `  the suite's test binary is built once and kept in ${runner.binDir}/<key>/ with its size and sha256;`,
    `  <key>: sha256 of the suite version, ${MODULE_FILES.join(', ')}, the build flags and ${cmd(runner.goEnv)}`,
    '  built only when no whole binary is kept for the key (the binaries of other keys are then removed):',
    `    ${withEnv(runner.build, workspace)}`,
    `  run in ${runner.cwd}, as go test runs it, with the flags go test -v gives it:`,
    `    ${withEnv(runner.run, workspace)}`,
  ];
}

const h1List = () => pins.conformance.modules.map((m) => `${m.path} ${m.version} ${m.h1}`).join('; ');

/** Where the module sources come from and how each is verified; names no proxy host. */
function sourceLines(workspace: WorkspacePlan): string[] {
  const { sources } = workspace;
  const module = `  module ${workspace.moduleDir}: go.mod, go.sum (every dependency pinned), conformance_test.go (calls conformance.RunConformance)`;
  if (sources.kind === 'host') {
    return [
      `  source archives (Go module zip and go.mod of each module), downloaded on this machine from the first proxy of its GOPROXY (${sources.proxy.from}),`,
      `  each verified by sha256 into a file GOPROXY ${workspace.goproxyDir}:`,
      ...workspace.archives.flatMap((a) => [
        `    GET <first proxy of GOPROXY>/${a.proxyPath} (${a.bytes.toLocaleString('en-US')} bytes)`,
        `      sha256 ${a.sha256}`,
      ]),
      `  Go checks them again against the pinned go.sum: ${h1List()}`,
      module,
      '  other dependencies from the same GOPROXY, after the file proxy; Go verifies each against go.sum',
    ];
  }
  const how = sources.proxy
    ? `with this machine's GOPROXY (${sources.proxy.from}), which names no proxy before direct/off to download them from here`
    : 'with its own defaults: no Go module proxy is known on this machine (GOPROXY is unset and no `go` on PATH)';
  return [
    `  sources: the runner's Go fetches every module itself, ${how};`,
    `  Go refuses any module whose hash differs from the pinned go.sum (GOFLAGS=-mod=readonly; GOSUMDB left as it is): ${h1List()}`,
    "  (the archives' pinned sha256 are checked too when this machine downloads them: from the first proxy its GOPROXY names)",
    module,
  ];
}

/** The `kindgate conformance` part of a plan: source, runner, command line, reports. */
export function conformanceSteps(plan: ConformancePlan, conformance: ConformanceOptions): string[] {
  const { workspace, runner } = plan;
  const lines = [
    `- the upstream suite: sigs.k8s.io/gateway-api/conformance ${workspace.version}, the same version as the CRDs`,
    ...sourceLines(workspace),
  ];
  if (plan.internalKubeconfig) {
    lines.push(
      `- internal kubeconfig (the API server by its container name): ${cmd(plan.internalKubeconfig.command)}`,
      `  → ${plan.internalKubeconfig.path} (mode 0600, removed after the run)`,
    );
  }
  if (runner.kind === 'container') {
    lines.push(
      `- runner container: image ${runner.image}${runner.image === pins.conformance.runnerImage ? ' (pinned by digest; --runner-image overrides)' : ''}`,
      `  on docker network ${runner.network}, kubeconfig ${runner.kubeconfig} mounted read-only, Go module and build caches in volume ${runner.volume}`,
      ...(runner.network === 'host'
        ? []
        : ["  the suite reaches the Gateways' addresses from there (kindgate's relay containers are not used)"]),
      ...(runner.run.env?.GOPROXY
        ? [`  GOPROXY=${shownGoProxy(workspace, CONTAINER_GOPROXY)} handed over by name (-e GOPROXY)`]
        : []),
      `    ${cmd(runner.run)}`,
      `    ${cmd(runner.copyReport)}   (the report, byte for byte)`,
      `    ${cmd(runner.remove)}   (always, also after a failure or on SIGINT/SIGTERM)`,
    );
  } else {
    lines.push(
      `- runner local: go >= ${pins.conformance.goMinimum} on PATH: ${cmd(runner.check)}; Go caches in ${runner.goCache.mod} and ${runner.goCache.build}`,
      ...localRunnerLines(runner, workspace),
    );
  }
  const goTest =
    runner.kind === 'container'
      ? runner.run.args.slice(runner.run.args.indexOf(runner.image) + 1)
      : [runner.run.file, ...runner.run.args];
  lines.push(
    `- upstream command line (go test -timeout ${goDuration(conformance.goTestTimeoutMs)}, above Go's default 10 minutes):`,
    `    ${formatCommand({ file: goTest[0], args: goTest.slice(1) })}`,
    `- reports in ${plan.reportDir}:`,
    `  ${plan.expectedReportName}: the upstream report, byte for byte, named by its channel, implementation version and mode`,
    `  README.md (upstream submission layout), ${GO_TEST_LOG} (the go test output), junit.xml (one test case per test and sub-test)`,
    `  diagnostics/ when a test failed, collected before teardown, with the suite's namespaces ${UPSTREAM_NAMESPACES.join(', ')}`,
  );
  return lines;
}

/** Dry run of --provider sim or existing (kind prints its own plan around the steps). */
export function formatNonKindPlan(
  plan: ConformancePlan,
  conformance: ConformanceOptions,
  startLines: string[],
): string {
  const out = [
    `kindgate plan: kindgate conformance, provider ${plan.provider} (dry run; nothing below is executed)`,
    '',
  ];
  out.push('1. Cluster', ...startLines.map((l) => `   ${l}`), '');
  out.push('2. The run', ...conformanceSteps(plan, conformance).map((l) => `   ${l}`), '');
  out.push(
    '3. Teardown (always, also after a failure or on SIGINT/SIGTERM)',
    plan.provider === 'sim'
      ? '   - stop the simulated cluster and remove its temporary kubeconfig'
      : '   - nothing in your cluster beyond what the upstream suite itself cleans up (--cleanup-base-resources)',
  );
  return `${out.join('\n')}\n`;
}

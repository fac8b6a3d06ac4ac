import { join } from 'node:path';
import type { RunOptions } from '../config/options.ts';
import type { CommandLine } from '../exec.ts';
import { pins } from '../pins.ts';
import type { Profile } from '../profiles/types.ts';
import { engineFromEnv } from '../providers/kind/engine.ts';
import { internalKubeconfigCommand, internalKubeconfigPath } from '../providers/kind/internal-kubeconfig.ts';
import type { KindRunPlan } from '../providers/kind/plan.ts';
import type { HostGoProxy } from './go-proxy.ts';
import type { ConformanceOptions } from './options.ts';
import { planContainerRunner, type ContainerRunnerPlan } from './runner-container.ts';
import { planLocalRunner, type LocalRunnerPlan } from './runner-local.ts';
import { upstreamFlags } from './upstream-command-line.ts';
import { planWorkspace, type WorkspacePlan } from './workspace.ts';

/**
 * Everything `kindgate conformance` will do after the cluster is up, as data: the dry run prints
 * it and the run executes the same objects.
 */
export interface ConformancePlan {
  provider: RunOptions['provider'];
  workspace: WorkspacePlan;
  /** kind + runner container: the cluster's internal kubeconfig, written before the runner starts. */
  internalKubeconfig?: { command: CommandLine; path: string };
  runner: LocalRunnerPlan | ContainerRunnerPlan;
  reportDir: string;
  logFile: string;
  /** The upstream report's file name as the options predict it (the report's own fields decide). */
  expectedReportName: string;
}

/** The upstream suite's namespaces (gateway-api conformance/base/manifests.yaml), collected on failure. */
export const UPSTREAM_NAMESPACES = [
  'gateway-conformance-infra',
  'gateway-conformance-app-backend',
  'gateway-conformance-web-backend',
];

/** What `kindgate conformance` does in an existing cluster (its --allow-existing message). */
export function upstreamClusterChanges(): string {
  return `run the upstream conformance suite, which creates its namespaces ${UPSTREAM_NAMESPACES.join(', ')} and its base resources`;
}

export const GO_TEST_LOG = 'go-test.log';

export interface PlanContext {
  /** Private directory the report is staged in before it is copied. */
  stagingDir: string;
  /** The kubeconfig of the started cluster (sim: its temporary file; existing: the user's, or a copy for --context). */
  kubeconfig: string;
  kindPlan?: KindRunPlan;
  /** Name of the runner container. */
  containerName: string;
  env?: NodeJS.ProcessEnv;
  /** This machine's Go module proxy (learnGoProxy); undefined: the runner's Go fetches the modules itself. */
  goProxy: HostGoProxy | undefined;
  /** Tests: a cache volume of their own. */
  volume?: string;
}

export function planConformance(
  options: RunOptions,
  conformance: ConformanceOptions,
  profile: Profile,
  ctx: PlanContext,
): ConformancePlan {
  const env = ctx.env ?? process.env;
  const workspace = planWorkspace(options.cacheDir, ctx.goProxy);
  const flags = (reportOutput: string) => upstreamFlags({ profile, run: options, conformance, reportOutput });
  const common = { workspace, flags, timeoutMs: conformance.goTestTimeoutMs, stagingDir: ctx.stagingDir };
  let internalKubeconfig: ConformancePlan['internalKubeconfig'];
  let runner: ConformancePlan['runner'];
  if (conformance.runner === 'local') {
    runner = planLocalRunner({ ...common, kubeconfig: ctx.kubeconfig, cacheDir: options.cacheDir });
  } else {
    const kind = ctx.kindPlan;
    if (kind) {
      internalKubeconfig = {
        command: internalKubeconfigCommand(kind.clusterName),
        path: internalKubeconfigPath(options.cacheDir, kind.clusterName),
      };
    }
    runner = planContainerRunner({
      ...common,
      engine: kind?.engine ?? engineFromEnv(env),
      image: conformance.runnerImage,
      name: ctx.containerName,
      // On the kind network the API server answers by its container name and Gateway addresses are
      // reachable directly; an existing cluster is reached as from this machine.
      network: kind?.network ?? 'host',
      kubeconfig: internalKubeconfig?.path ?? ctx.kubeconfig,
      owner: kind?.clusterName ?? 'existing',
      volume: ctx.volume,
      env,
    });
  }
  const version = profile.implementation.version.replace(/[^A-Za-z0-9._+-]/g, '-');
  return {
    provider: options.provider,
    workspace,
    internalKubeconfig,
    runner,
    reportDir: options.reportDir,
    logFile: join(options.reportDir, GO_TEST_LOG),
    expectedReportName: `${options.channel}-${version}-${conformance.mode}-report.yaml`,
  };
}

/** The pins a reproduction needs, one line each (README's Reproduce section). */
export function pinLines(plan: ConformancePlan, kindPlan?: KindRunPlan, goVersion?: string): string[] {
  const lines = [
    `Gateway API ${pins.gatewayApi.version}: the CRDs and the upstream suite (sigs.k8s.io/gateway-api/conformance ${plan.workspace.version}) at the same tag`,
    ...plan.workspace.archives.map((a) => `${a.proxyPath} (Go module proxy path) sha256 ${a.sha256}`),
    ...pins.conformance.modules.map((m) => `${m.path} ${m.version} ${m.h1} (go.sum)`),
  ];
  if (plan.runner.kind === 'container') lines.push(`runner image ${plan.runner.image}`);
  else lines.push(`Go on the host: ${goVersion ?? `>= ${pins.conformance.goMinimum}`}`);
  if (kindPlan) {
    lines.push(
      `kind ${kindPlan.tools.find((t) => t.name === 'kind')?.version ?? pins.kind.version}, node image ${kindPlan.cluster.nodeImage}`,
    );
    lines.push(`MetalLB ${pins.metallb.version} ${pins.metallb.url} sha256 ${pins.metallb.sha256}`);
    const crds = kindPlan.installs.gatewayApiCrds;
    lines.push(`Gateway API CRDs (${crds.channel}) ${crds.bundle.url} sha256 ${crds.bundle.sha256}`);
    const impl = kindPlan.installs.implementation;
    if (impl.type === 'istio') lines.push(`Istio ${impl.version} (istioctl install --set profile=minimal)`);
    else lines.push(`${impl.profile}: the profile's own install (profile.install of the config file)`);
  }
  return lines;
}

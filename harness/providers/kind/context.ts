import type { RunOptions } from '../../config/options.ts';
import type { CommandLine, CommandResult, RunCommand } from '../../exec.ts';
import type { RunKubeconfig } from '../kubeconfig-file.ts';
import type { InstallDeps, KubeLike } from './install/deps.ts';
import type { NameClaim } from './name-claim.ts';
import type { KindRunPlan, PlanEnv } from './plan.ts';
import type { GatewayReach } from './reach/endpoint.ts';
import type { HostRouting } from './reach/routing.ts';
import type { ReachKube } from './reach/unreachable.ts';
import type { StartRelay } from './reach/relay.ts';
import type { StepContext } from './run-steps.ts';
import type { Downloader } from './tools/download.ts';
import type { ToolOrigin } from './tools/resolve.ts';
import { withTools } from './tools/with-tools.ts';

/** The cluster's API as the kind provider uses it: the installers' part and what the reach diagnosis reads. */
export type ClusterKube = KubeLike & ReachKube;

/** Everything the kind provider touches outside the process (the real ones: default-deps.ts); tests replace these. */
export interface KindProviderDeps {
  run: RunCommand;
  download: Downloader;
  which(name: string): Promise<string | undefined>;
  /** sha256 of a tool found on PATH (default: read and hash the file). */
  hashFile?(path: string): Promise<string>;
  kube(kubeconfigPath: string): ClusterKube;
  startRelay: StartRelay;
  connectable(host: string, port: number, timeoutMs: number): Promise<boolean>;
  /** --reach auto on a routable host: how long a Gateway address may take to answer (default: the gateway timeout). */
  directWaitMs?: number;
  /** After a failure, how long teardown waits for the cancelled steps to end (default 10 s). */
  cancelGraceMs?: number;
  host: PlanEnv;
  nodeVersion?: string;
}

/** The one object the kind pipeline's steps read and write (instead of closure variables). */
export interface KindContext extends StepContext {
  readonly options: RunOptions;
  readonly plan: KindRunPlan;
  readonly deps: KindProviderDeps;
  /** Absolute paths of the resolved tools, by name (`kind` → /…/kind); filled by the tools step. */
  readonly tools: Record<string, string>;
  /** Where each resolved tool came from (PATH, cached, downloaded), for the tools step line. */
  readonly toolOrigins: Record<string, ToolOrigin>;
  /** The cluster's API client, from the API server step on. */
  kube?: ClusterKube;
  /** Whether the kind network is routable from this host, from the preflight step on. */
  routing?: HostRouting;
  /** How Gateways are reached (direct or through relays), from the reach step on. */
  reach?: GatewayReach;
  /**
   * What this run created or holds, so that teardown removes exactly that (a claimed --kubeconfig:
   * kind/kubeconfig.ts; the claim on the cluster name: name-claim.ts).
   */
  readonly created: { cluster: boolean; relays: boolean; kubeconfigClaim?: RunKubeconfig; nameClaim?: NameClaim };
  /** Settles as the step with this id does (the implementation install waits for the CRDs). */
  after(stepId: string): Promise<void>;
}

/** Run a plan command: tool names become the resolved paths; the run's signal can stop it. */
export function runPlanCommand(ctx: KindContext, command: CommandLine): Promise<CommandResult> {
  return ctx.deps.run(withTools(command, ctx.tools), ctx.log, { signal: ctx.signal });
}

/** What the installers need from the context. */
export function installDeps(ctx: KindContext): InstallDeps {
  if (!ctx.kube) throw new Error('the API server step did not run');
  return { kube: ctx.kube, run: ctx.deps.run, download: ctx.deps.download, tools: ctx.tools, signal: ctx.signal };
}

import { chmod } from 'node:fs/promises';
import { SetupError, UsageError } from '../../../errors.ts';
import { CommandError } from '../../../exec.ts';
import { timedStep, type Logger } from '../../../log.ts';
import { parseClusterList } from '../cluster.ts';
import { runPlanCommand, type KindContext } from '../context.ts';
import {
  claimGivenKubeconfig,
  clustersDir,
  defaultKubeconfigPath,
  ensurePrivateDir,
  preparePrivateFile,
} from '../kubeconfig.ts';
import type { KindRunPlan } from '../plan.ts';
import { withTools } from '../tools/with-tools.ts';
import { shell } from './plan-text.ts';
import type { KindStep } from './step.ts';

function reuseMissingMessage(name: string, listed: string[]): string {
  return (
    `--reuse was given but there is no kind cluster named ${name} ` +
    `(kind get clusters lists: ${listed.join(', ') || 'none'}); drop --reuse to create it.`
  );
}

function clusterExistsMessage(name: string): string {
  return (
    `A kind cluster named ${name} already exists and kindgate will not overwrite it; ` +
    `pass --reuse to run against it, or delete it with \`kind delete cluster --name ${name}\`.`
  );
}

/** What a claimed --kubeconfig holds until `kind create cluster` writes the cluster's credentials into it. */
function creatingPlaceholder(name: string): string {
  return `# kind cluster ${name} is being created by kindgate; kind writes its credentials here\n`;
}

function deleteFailedMessage(name: string, error: Error): string {
  return `could not delete kind cluster ${name} (${error.message}); delete it with \`kind delete cluster --name ${name}\``;
}

/** --reuse: the cluster must exist; its kubeconfig goes into the run's private file. */
async function reuseCluster(ctx: KindContext, listed: string[]): Promise<void> {
  const { plan } = ctx;
  if (!listed.includes(plan.clusterName)) throw new UsageError(reuseMissingMessage(plan.clusterName, listed));
  const out = await runPlanCommand(ctx, plan.cluster.getKubeconfig);
  await ensurePrivateDir(clustersDir(ctx.options.cacheDir));
  // Written once, exclusively, and left for the user as before: a reused cluster stays.
  if (await claimGivenKubeconfig(plan.kubeconfigPath, ownKubeconfig(ctx), out.stdout)) return;
  await preparePrivateFile(plan.kubeconfigPath, out.stdout);
}

function ownKubeconfig(ctx: KindContext): string {
  return defaultKubeconfigPath(ctx.options.cacheDir, ctx.plan.clusterName);
}

async function createCluster(ctx: KindContext, listed: string[]): Promise<void> {
  const { plan } = ctx;
  if (listed.includes(plan.clusterName)) throw new SetupError(clusterExistsMessage(plan.clusterName));
  await ensurePrivateDir(clustersDir(ctx.options.cacheDir));
  await preparePrivateFile(plan.cluster.configPath, plan.cluster.configYaml);
  const claim = await claimGivenKubeconfig(
    plan.kubeconfigPath,
    ownKubeconfig(ctx),
    creatingPlaceholder(plan.clusterName),
  );
  if (claim) ctx.created.kubeconfigClaim = claim;
  else await preparePrivateFile(plan.kubeconfigPath);
  await runKindCreate(ctx);
  await chmod(plan.kubeconfigPath, 0o600);
}

/**
 * kind refused to create because nodes of that name exist (kind pkg/cluster/internal/create/create.go:
 * alreadyExists, its first check, before it provisions anything): they are another creator's.
 */
function refusedAsExisting(error: unknown, name: string): boolean {
  const said =
    error instanceof CommandError ? `${error.stderrTail}\n${error.message}` : String((error as Error)?.message);
  return said.includes(`node(s) already exist for a cluster with the name "${name}"`);
}

/**
 * `kind create cluster`, and from when on the cluster is this run's to delete. The name is
 * claimed (no other kindgate run creates it meanwhile) and was not listed, so whatever kind leaves
 * under it is this run's: a complete cluster; nodes of a kind stopped midway (an interrupt, the
 * timeout: kind has no signal handler and cannot remove them), or those kind keeps when it fails
 * after creating them (its kubeconfig export); when kind fails on its own earlier it removes its
 * nodes itself (create.go deletes them unless --retain, which kindgate never passes) and the
 * deletion finds nothing. Only when kind refused because the name exists did it make nothing, and
 * the cluster there is another's: it is never deleted.
 */
async function runKindCreate(ctx: KindContext): Promise<void> {
  const name = ctx.plan.clusterName;
  // Marked before kind runs: a teardown that cancels kind (Ctrl-C) must still delete what it made.
  ctx.created.cluster = true;
  try {
    await runPlanCommand(ctx, ctx.plan.cluster.create);
  } catch (error) {
    if (refusedAsExisting(error, name)) ctx.created.cluster = false;
    throw error;
  }
}

/** Delete the cluster this run created (unless --keep), then undo a --kubeconfig claim kind never wrote into. */
async function undoCluster(ctx: KindContext, log: Logger): Promise<void> {
  await deleteCluster(ctx, log);
  const claim = ctx.created.kubeconfigClaim;
  ctx.created.kubeconfigClaim = undefined;
  // Still the placeholder (kind failed before writing): deleted, or a file the user gave empty emptied again.
  await claim?.remove().catch((e: Error) => log.warn(`could not undo --kubeconfig ${claim.path}: ${e.message}`));
}

/** Delete the cluster this run created, unless --keep; never one it did not create. */
async function deleteCluster(ctx: KindContext, log: Logger): Promise<void> {
  const { plan } = ctx;
  if (!ctx.created.cluster) return;
  ctx.created.cluster = false;
  const name = plan.clusterName;
  if (plan.teardown.delete && ctx.tools.kind) {
    // Not under the run's signal: that is aborted by now, and the deletion must run.
    const command = withTools(plan.teardown.delete, ctx.tools);
    await timedStep(log, `cluster ${name} deleted`, () => ctx.deps.run(command, log), {
      phase: 'cluster deleted',
    }).catch((e: Error) => log.warn(deleteFailedMessage(name, e)));
  } else if (ctx.options.keep) {
    log.info(`cluster ${name} kept (--keep); KUBECONFIG=${plan.kubeconfigPath}`);
  }
}

/** A new kind cluster with a private kubeconfig, or with --reuse the existing one's kubeconfig. */
export const clusterStep: KindStep = {
  id: 'cluster',
  label: ({ plan }) => `cluster ${plan.clusterName} ${plan.reuse ? 'reused' : 'created'}`,
  phase: ({ plan }) => (plan.reuse ? 'cluster reused' : 'cluster created'),
  async run(ctx) {
    const listed = parseClusterList((await runPlanCommand(ctx, ctx.plan.cluster.list)).stdout);
    await (ctx.plan.reuse ? reuseCluster(ctx, listed) : createCluster(ctx, listed));
  },
  undo: undoCluster,
  describe(plan: KindRunPlan) {
    const { cluster, clusterName: name, kubeconfigPath } = plan;
    const heading = `Cluster ${name} (node image ${cluster.nodeImage})`;
    if (plan.reuse) {
      return {
        heading,
        lines: [
          `- --reuse: ${shell(cluster.list)} must list ${name}`,
          `- ${shell(cluster.getKubeconfig)} → ${kubeconfigPath} (mode 0600)`,
        ],
      };
    }
    const yaml = cluster.configYaml
      .trimEnd()
      .split('\n')
      .map((l) => `    ${l}`);
    return {
      heading,
      lines: [
        `- write ${cluster.configPath} (mode 0600):`,
        ...yaml,
        `- ${shell(cluster.list)} must not list ${name} (use --reuse to run against it)`,
        `- ${shell(cluster.create)}`,
        `  kubeconfig written to ${kubeconfigPath} (mode 0600); ~/.kube/config is not touched`,
      ],
    };
  },
  describeUndo(plan) {
    if (plan.teardown.delete) return [`- ${shell(plan.teardown.delete)}`];
    const why = plan.reuse ? '--reuse: kindgate did not create it' : '--keep';
    return [`- cluster kept (${why}); kubeconfig ${plan.kubeconfigPath}`];
  },
};

import { rm } from 'node:fs/promises';
import type { CommandLine, RunCommand } from '../../exec.ts';
import { defaultKubeconfigPath } from './kubeconfig.ts';
import { isKindgateCluster, kindCommands, parseClusterList } from './cluster.ts';
import type { Logger } from '../../log.ts';
import type { Engine } from './engine.ts';
import { RELAY_LABEL } from './plan.ts';
import { withTools } from './tools/with-tools.ts';

export interface GarbageDeps {
  run: RunCommand;
  /** A `kind` binary already at hand (on PATH or in the cache); without one, clusters are listed through the engine. */
  kind: string | undefined;
  /** A usable `kind` when there is none at hand; called only when a cluster is to be deleted. */
  fetchKind(): Promise<string>;
  engine: Engine;
  cacheDir: string;
}

/**
 * The label kind puts on every node container, valued with the cluster name; `kind get clusters`
 * lists it the same way (kind pkg/cluster/internal/providers/{docker,podman}/provider.go ListClusters,
 * clusterLabelKey in constants.go).
 */
const KIND_CLUSTER_LABEL = 'io.x-k8s.kind.cluster';

function engineClusterList(engine: Engine): CommandLine {
  const format =
    engine === 'podman' ? `{{index .Labels "${KIND_CLUSTER_LABEL}"}}` : `{{.Label "${KIND_CLUSTER_LABEL}"}}`;
  return {
    file: engine,
    args: ['ps', '-a', '--filter', `label=${KIND_CLUSTER_LABEL}`, '--format', format],
    timeoutMs: 30_000,
  };
}

/** Kind clusters by name, with kind when it is at hand, else from the engine (no download for a listing). */
export async function listKindClusters(
  deps: Pick<GarbageDeps, 'run' | 'kind' | 'engine'>,
  log: Logger,
): Promise<string[]> {
  const command = deps.kind
    ? withTools(kindCommands.getClusters(), { kind: deps.kind })
    : engineClusterList(deps.engine);
  return [...new Set(parseClusterList((await deps.run(command, log)).stdout))];
}

export interface GarbageReport {
  clusters: string[];
  relays: number;
}

/**
 * Remove what interrupted or `--keep` runs left behind: Kind clusters named `kindgate-*` (never
 * any other cluster) and relay containers labelled `kindgate.relay`. With `dryRun`, only list them.
 */
export async function collectGarbage(deps: GarbageDeps, dryRun: boolean, log: Logger): Promise<GarbageReport> {
  const clusters = (await listKindClusters(deps, log)).filter(isKindgateCluster);
  const relayIds = (
    await deps.run(
      { file: deps.engine, args: ['ps', '-aq', '--filter', `label=${RELAY_LABEL}`], timeoutMs: 30_000 },
      log,
    )
  ).stdout
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
  if (dryRun) {
    for (const name of clusters) log.info(`would delete kind cluster ${name}`);
    if (relayIds.length) log.info(`would remove ${relayIds.length} relay container(s)`);
    return { clusters, relays: relayIds.length };
  }
  // Before anything is removed: a kind that cannot be had stops gc with nothing half done.
  const tools = { kind: clusters.length > 0 ? (deps.kind ?? (await deps.fetchKind())) : '' };
  if (relayIds.length) {
    await deps.run({ file: deps.engine, args: ['rm', '-f', ...relayIds], timeoutMs: 60_000 }, log);
    log.step(`removed ${relayIds.length} relay container(s)`);
  }
  for (const name of clusters) {
    const kubeconfigPath = defaultKubeconfigPath(deps.cacheDir, name);
    await deps.run(withTools(kindCommands.delete({ name, kubeconfigPath }), tools), log);
    await rm(kubeconfigPath, { force: true });
    log.step(`deleted kind cluster ${name}`);
  }
  return { clusters, relays: relayIds.length };
}

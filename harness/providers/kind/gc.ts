import { rm } from 'node:fs/promises';
import type { CommandLine, RunCommand } from '../../exec.ts';
import { defaultKubeconfigPath } from './kubeconfig.ts';
import { isKindgateCluster, kindCommands, parseClusterList } from './cluster.ts';
import type { Logger } from '../../log.ts';
import type { Engine } from './engine.ts';
import { RELAY_LABEL } from './plan.ts';
import { claimClusterName, liveClaims, NameInUseError, type ClaimEntry } from './name-claim.ts';
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

function inUseLine(name: string, holder: ClaimEntry): string {
  return `kind cluster ${name} is in use by a kindgate run (pid ${holder.process.pid}); left alone`;
}

/** The kindgate clusters, those a live run has claimed (name-claim.ts) apart: those are said and left alone. */
async function kindgateClusters(deps: GarbageDeps, log: Logger): Promise<{ free: string[]; inUse: string[] }> {
  const free: string[] = [];
  const inUse: string[] = [];
  for (const name of (await listKindClusters(deps, log)).filter(isKindgateCluster)) {
    // Only looked at here (gc --dry-run writes nothing); gc claims each name when it deletes it.
    const [holder] = await liveClaims(deps.cacheDir, name, { removeStale: false });
    if (holder) log.info(inUseLine(name, holder));
    (holder ? inUse : free).push(name);
  }
  return { free, inUse };
}

/** Ids of the relay containers with `label` (`kindgate.relay`, or `kindgate.relay=<cluster>`). */
async function relayIds(deps: GarbageDeps, label: string, log: Logger): Promise<string[]> {
  const out = await deps.run(
    { file: deps.engine, args: ['ps', '-aq', '--filter', `label=${label}`], timeoutMs: 30_000 },
    log,
  );
  return out.stdout
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Every relay container but those of the clusters in use (a live run reaches its Gateways through them). */
async function leftRelays(deps: GarbageDeps, inUse: string[], log: Logger): Promise<string[]> {
  const kept = new Set<string>();
  for (const name of inUse) for (const id of await relayIds(deps, `${RELAY_LABEL}=${name}`, log)) kept.add(id);
  return (await relayIds(deps, RELAY_LABEL, log)).filter((id) => !kept.has(id));
}

/** Delete a cluster while gc holds its name alone; false when a run claimed it meanwhile. */
async function deleteCluster(deps: GarbageDeps, name: string, kind: string, log: Logger): Promise<boolean> {
  let claim;
  try {
    claim = await claimClusterName(deps.cacheDir, name, 'delete');
  } catch (error) {
    if (!(error instanceof NameInUseError)) throw error;
    log.info(inUseLine(name, error.holder));
    return false;
  }
  try {
    const kubeconfigPath = defaultKubeconfigPath(deps.cacheDir, name);
    await deps.run(withTools(kindCommands.delete({ name, kubeconfigPath }), { kind }), log);
    await rm(kubeconfigPath, { force: true });
    log.step(`deleted kind cluster ${name}`);
    return true;
  } finally {
    await claim.release();
  }
}

/**
 * Remove what interrupted or `--keep` runs left behind: Kind clusters named `kindgate-*` (never
 * any other cluster) and relay containers labelled `kindgate.relay`, except a cluster a live
 * kindgate run has claimed and that run's relays. With `dryRun`, only list them.
 */
export async function collectGarbage(deps: GarbageDeps, dryRun: boolean, log: Logger): Promise<GarbageReport> {
  const { free: clusters, inUse } = await kindgateClusters(deps, log);
  const relays = await leftRelays(deps, inUse, log);
  if (dryRun) {
    for (const name of clusters) log.info(`would delete kind cluster ${name}`);
    if (relays.length) log.info(`would remove ${relays.length} relay container(s)`);
    return { clusters, relays: relays.length };
  }
  // Before anything is removed: a kind that cannot be had stops gc with nothing half done.
  const tools = { kind: clusters.length > 0 ? (deps.kind ?? (await deps.fetchKind())) : '' };
  if (relays.length) {
    await deps.run({ file: deps.engine, args: ['rm', '-f', ...relays], timeoutMs: 60_000 }, log);
    log.step(`removed ${relays.length} relay container(s)`);
  }
  const deleted: string[] = [];
  for (const name of clusters) if (await deleteCluster(deps, name, tools.kind, log)) deleted.push(name);
  return { clusters: deleted, relays: relays.length };
}

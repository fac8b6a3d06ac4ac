import { rm } from 'node:fs/promises';
import type { RunCommand } from '../../exec.ts';
import { defaultKubeconfigPath } from './kubeconfig.ts';
import { isKindgateCluster, kindCommands, parseClusterList } from './cluster.ts';
import type { Logger } from '../../log.ts';
import type { Engine } from './engine.ts';
import { RELAY_LABEL } from './plan.ts';
import { withTools } from './tools/with-tools.ts';

export interface GarbageDeps {
  run: RunCommand;
  /** Path of a usable `kind` binary. */
  kind: string;
  engine: Engine;
  cacheDir: string;
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
  const tools = { kind: deps.kind };
  const listed = parseClusterList((await deps.run(withTools(kindCommands.getClusters(), tools), log)).stdout);
  const clusters = listed.filter(isKindgateCluster);
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

import type { RunCommand } from '../exec.ts';
import { timedStep, type Logger } from '../log.ts';
import { kindCommands } from '../providers/kind/cluster.ts';
import type { Engine } from '../providers/kind/engine.ts';
import { removeLabelledContainers } from '../providers/kind/reach/relay.ts';
import { withTools } from '../providers/kind/tools/with-tools.ts';
import { holdsWhatKindgateWrote, undoKubeconfig, type DetachedRecord } from '../run/detached-state.ts';

/**
 * `kindgate down` for a cluster `up --provider kind --detach` left: the recorded cluster is
 * deleted (kind never touches another), then the relay containers of that run (by its label),
 * then the kubeconfig is undone (deleted, or emptied again when the user gave it empty), if it
 * still held what kindgate wrote before kind edited it.
 */
export interface DownKindDeps {
  run: RunCommand;
  /** Path of a usable `kind` binary. */
  kind(): Promise<string>;
}

export async function downKind(record: DetachedRecord, deps: DownKindDeps, log: Logger): Promise<void> {
  const { kind } = record;
  if (!kind) throw new Error(`the record of ${record.name} names no kind cluster`);
  // Checked before kind deletes its entries from the file, which changes it.
  const ownKubeconfig = await holdsWhatKindgateWrote(record);
  const command = withTools(kindCommands.delete({ name: kind.cluster, kubeconfigPath: record.kubeconfig }), {
    kind: await deps.kind(),
  });
  await timedStep(log, `kind cluster ${kind.cluster} deleted`, () => deps.run(command, log));
  const relays = await removeLabelledContainers(kind.engine as Engine, kind.relayLabel, deps.run, log);
  if (relays > 0) log.step(`removed ${relays} relay container(s)`);
  await undoKubeconfig(record, ownKubeconfig);
}

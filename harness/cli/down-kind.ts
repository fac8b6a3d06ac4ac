import { parseRunOptions } from '../config/parse.ts';
import { runCommand, type RunCommand } from '../exec.ts';
import { timedStep, type Logger } from '../log.ts';
import { getProfile } from '../profiles/index.ts';
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

/** A kind binary as `kindgate gc` finds one: on PATH (any release deletes), cached, else the pinned one downloaded. */
export function kindDeps(cacheDir: string, log: Logger): DownKindDeps {
  return {
    run: runCommand,
    async kind() {
      const { whichOnPath, resolveTool, toolCached } = await import('../providers/kind/tools/resolve.ts');
      const { httpDownloader } = await import('../providers/kind/tools/download.ts');
      const { planKindRun } = await import('../providers/kind/plan.ts');
      const run = parseRunOptions('gc', ['--cache-dir', cacheDir]);
      const spec = planKindRun({ ...run, provider: 'kind' }, getProfile(run.profile)).tools.find(
        (t) => t.name === 'kind',
      )!;
      const onPath = (await whichOnPath('kind')) ?? (toolCached(spec) ? spec.binPath : undefined);
      if (onPath) return onPath;
      const deps = { run: runCommand, download: httpDownloader, which: (name: string) => whichOnPath(name) };
      return (await resolveTool(spec, deps, log)).path;
    },
  };
}

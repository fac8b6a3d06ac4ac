import type { RunCommand } from '../exec.ts';
import type { Logger } from '../log.ts';
import type { Engine } from '../providers/kind/engine.ts';
import { listKindClusters } from '../providers/kind/gc.ts';
import { RUNNER_LABEL } from './runner-container.ts';

/**
 * `kindgate gc`: conformance runner containers a run could not remove (it was killed before its
 * teardown). Each carries the label `kindgate.conformance-runner=<cluster>`: the kind cluster it
 * ran against, or `existing` for a cluster kindgate did not create. A runner whose kind cluster
 * still exists after gc is left alone; every other one is a leftover (an `existing` runner outlives
 * no run either: a run removes its runner before it returns).
 */
export interface RunnerContainer {
  id: string;
  name: string;
  /** The label's value: the cluster the runner ran against. */
  cluster: string;
}

const FIELD_SEPARATOR = '\t';

export function listRunnersCommand(engine: string) {
  const format = ['{{.ID}}', '{{.Names}}', `{{.Label "${RUNNER_LABEL}"}}`].join(FIELD_SEPARATOR);
  return {
    file: engine,
    args: ['ps', '-a', '--filter', `label=${RUNNER_LABEL}`, '--format', format],
    timeoutMs: 30_000,
  };
}

export function parseRunnerList(stdout: string): RunnerContainer[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const [id, name = '', cluster = ''] = line.trim().split(FIELD_SEPARATOR);
      return { id, name, cluster };
    });
}

export interface LeftoverRunnerDeps {
  run: RunCommand;
  engine: string;
  /** A `kind` binary at hand; without one, clusters are listed through the engine (providers/kind/gc.ts). */
  kind: string | undefined;
}

/**
 * Remove (with `dryRun`, only list) the runner containers whose cluster does not exist once gc is
 * done: not listed by `kind get clusters`, or among `deletedClusters` (those this gc deletes).
 */
export async function collectLeftoverRunners(
  deps: LeftoverRunnerDeps,
  deletedClusters: string[],
  dryRun: boolean,
  log: Logger,
): Promise<RunnerContainer[]> {
  const runners = parseRunnerList((await deps.run(listRunnersCommand(deps.engine), log)).stdout);
  if (runners.length === 0) return [];
  const listed = await listKindClusters({ ...deps, engine: deps.engine as Engine }, log);
  const remaining = new Set(listed.filter((name) => !deletedClusters.includes(name)));
  const leftovers = runners.filter((r) => !remaining.has(r.cluster));
  if (dryRun) {
    for (const r of leftovers)
      log.info(`would remove conformance runner container ${r.name || r.id} (cluster ${r.cluster})`);
    return leftovers;
  }
  if (leftovers.length) {
    await deps.run({ file: deps.engine, args: ['rm', '-f', ...leftovers.map((r) => r.id)], timeoutMs: 60_000 }, log);
    log.step(`removed ${leftovers.length} conformance runner container(s)`);
  }
  return leftovers;
}

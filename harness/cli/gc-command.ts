import { parseRunOptions } from '../config/parse.ts';
import { collectLeftoverRunners } from '../conformance/leftover-runners.ts';
import { runCommand } from '../exec.ts';
import { collectGarbage } from '../providers/kind/gc.ts';
import { createLogger } from '../log.ts';
import { planKindRun } from '../providers/kind/plan.ts';
import { getProfile } from '../profiles/index.ts';
import { httpDownloader } from '../providers/kind/tools/download.ts';
import { resolveTool, whichOnPath } from '../providers/kind/tools/resolve.ts';

/** `kindgate gc`: remove stale kindgate clusters, relay containers and conformance runner containers. */
export async function gcCommand(argv: string[]): Promise<number> {
  const options = parseRunOptions('gc', argv);
  const log = createLogger({ verbose: options.verbose });
  const plan = planKindRun({ ...options, provider: 'kind' }, getProfile(options.profile));
  const kindSpec = plan.tools.find((t) => t.name === 'kind')!;
  // Listing and deleting clusters works with any kind release: one on PATH will do.
  const kind =
    (await whichOnPath('kind')) ??
    (await resolveTool(kindSpec, { download: httpDownloader, which: (name) => whichOnPath(name) }, log)).path;
  const report = await collectGarbage(
    { run: runCommand, kind, engine: plan.engine, cacheDir: options.cacheDir },
    options.dryRun,
    log,
  );
  const runners = await collectLeftoverRunners(
    { run: runCommand, engine: plan.engine, kind },
    report.clusters,
    options.dryRun,
    log,
  );
  if (report.clusters.length === 0 && report.relays === 0 && runners.length === 0) log.info('nothing to remove');
  return 0;
}

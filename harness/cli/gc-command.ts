import { parseRunOptions } from '../config/parse.ts';
import { collectLeftoverRunners } from '../conformance/leftover-runners.ts';
import { EnvironmentError } from '../errors.ts';
import { runCommand } from '../exec.ts';
import { collectGarbage } from '../providers/kind/gc.ts';
import { createLogger, type Logger } from '../log.ts';
import { planKindRun, type KindRunPlan } from '../providers/kind/plan.ts';
import { engineError } from '../providers/kind/preflight.ts';
import { getProfile } from '../profiles/index.ts';
import { resolveTool, toolCached, whichOnPath, type ToolSpec } from '../providers/kind/tools/resolve.ts';

function noKindMessage(spec: ToolSpec, reason: string): string {
  return (
    `kindgate gc needs kind to delete clusters; it is not on PATH nor in the cache, and ${spec.artifact.url} ` +
    `cannot be reached (${reason}); put kind on PATH or check the network, then retry.`
  );
}

/**
 * `kindgate gc`: remove stale kindgate clusters, relay containers and conformance runner
 * containers. The engine is checked first (everything gc does goes through it); a kind on PATH
 * (any release lists and deletes) or in the cache is used as it is; one is downloaded only when
 * there is a cluster to delete, never for `--dry-run`, which lists through the engine and writes nothing.
 */
export async function gcCommand(argv: string[]): Promise<number> {
  const options = parseRunOptions('gc', argv);
  const log = createLogger({ verbose: options.verbose });
  const plan = planKindRun({ ...options, provider: 'kind' }, getProfile(options.profile));
  try {
    await runCommand(plan.preflight.engineInfo, log);
  } catch (error) {
    throw engineError(plan.engine, error);
  }
  const kindSpec = plan.tools.find((t) => t.name === 'kind')!;
  const kind = (await whichOnPath('kind')) ?? (toolCached(kindSpec) ? kindSpec.binPath : undefined);
  const report = await collectGarbage(
    {
      run: runCommand,
      kind,
      fetchKind: () => downloadKind(plan, kindSpec, log),
      engine: plan.engine,
      cacheDir: options.cacheDir,
    },
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

/** The pinned kind, verified; no network is an environment failure (exit 3), found before the cache is touched. */
async function downloadKind(plan: KindRunPlan, spec: ToolSpec, log: Logger): Promise<string> {
  const { httpDownloader } = await import('../providers/kind/tools/download.ts'); // undici: only to download
  try {
    await httpDownloader.head(new URL(spec.artifact.url).origin, plan.preflight.hostProbeTimeoutMs);
  } catch (error) {
    const e = error as Error & { cause?: Error };
    const reason = e.name === 'TimeoutError' ? 'no answer' : (e.cause?.message ?? e.message);
    throw new EnvironmentError(noKindMessage(spec, reason), { cause: error });
  }
  const deps = { run: runCommand, download: httpDownloader, which: (name: string) => whichOnPath(name) };
  return (await resolveTool(spec, deps, log)).path;
}

import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand, type CommandLine, type RunCommand } from '../../exec.ts';
import type { Logger } from '../../log.ts';
import { clustersDir, preparePrivateFile } from './kubeconfig.ts';
import type { KindRunPlan } from './plan.ts';
import { httpDownloader, type Downloader } from './tools/download.ts';
import { resolveTool, whichOnPath } from './tools/resolve.ts';

/**
 * The cluster's *internal* kubeconfig: the API server by its container name
 * (`https://<name>-control-plane:6443`), for a container on the cluster's docker network
 * (kind pkg/cmd/kind/get/kubeconfig: --internal "use internal address instead of external").
 */
export function internalKubeconfigCommand(name: string): CommandLine {
  return {
    file: 'kind',
    args: ['get', 'kubeconfig', '--internal', '--name', name],
    timeoutMs: 60_000,
    secretStdout: true,
  };
}

/** Beside the run's own kubeconfig, private like it. */
export function internalKubeconfigPath(cacheDir: string, name: string): string {
  return join(clustersDir(cacheDir), `${name}.internal.kubeconfig`);
}

export interface InternalKubeconfigDeps {
  run: RunCommand;
  download: Downloader;
  which(name: string): Promise<string | undefined>;
}

const defaultDeps: InternalKubeconfigDeps = { run: runCommand, download: httpDownloader, which: (n) => whichOnPath(n) };

/**
 * Write the internal kubeconfig of the plan's cluster to `path` (mode 0600), with the same pinned
 * kind the provider used (already resolved, so no download happens here). Returns a remover.
 */
export async function writeInternalKubeconfig(
  plan: KindRunPlan,
  path: string,
  log: Logger,
  deps: InternalKubeconfigDeps = defaultDeps,
): Promise<() => Promise<void>> {
  const kind = plan.tools.find((t) => t.name === 'kind')!;
  const binary = (await resolveTool(kind, deps, log)).path;
  const out = await deps.run({ ...internalKubeconfigCommand(plan.clusterName), file: binary }, log);
  await preparePrivateFile(path, out.stdout);
  return () => rm(path, { force: true });
}

import { constants } from 'node:fs';
import { chmod, mkdir, open } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  inspectKubeconfigTarget,
  refuseNonRegular,
  writeRunKubeconfig,
  type RunKubeconfig,
} from '../kubeconfig-file.ts';

/**
 * The run's kubeconfig: a private file (0600 in a 0700 directory), never ~/.kube/config.
 * Default: `<cacheDir>/clusters/<name>.kubeconfig` so a kept cluster can be found again.
 */
export function defaultKubeconfigPath(cacheDir: string, clusterName: string): string {
  return join(clustersDir(cacheDir), `${clusterName}.kubeconfig`);
}

/** Where kindgate keeps cluster configs and kubeconfigs (0700). */
export function clustersDir(cacheDir: string): string {
  return join(cacheDir, 'clusters');
}

/** Create the directory 0700, and tighten it if it already existed with looser permissions. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/**
 * kind (and kindgate, on --reuse) truncates the kubeconfig it writes: refuse a --kubeconfig that
 * already holds something (e.g. ~/.kube/config), that is not a regular file (a device, a FIFO) or
 * that others may read, unless it is kindgate's own file for this cluster. Looked at, never opened.
 */
export async function checkKubeconfigTarget(
  path: string,
  ownPath: string | undefined,
  instead = `omit --kubeconfig to use ${ownPath}`,
): Promise<void> {
  if (ownPath !== undefined && resolve(path) === resolve(ownPath)) return;
  await inspectKubeconfigTarget(path, instead);
}

/**
 * A --kubeconfig the user gave, claimed for this run before kind writes it, as `up --kubeconfig`
 * claims one for the sim (kubeconfig-file.ts): under `<path>.lock`, a new file created exclusively
 * (0600) or an empty private one, holding `content` from then on, so another run given the same
 * path is refused (at its preflight, or here) instead of merging its cluster into this run's file.
 * kind reads what the file holds and merges its cluster into it (kind's
 * pkg/cluster/internal/kubeconfig/internal/kubeconfig/merge.go). Undefined for kindgate's own file
 * of this cluster (`ownPath`), which is no user's.
 */
export async function claimGivenKubeconfig(
  path: string,
  ownPath: string,
  content: string,
): Promise<RunKubeconfig | undefined> {
  if (resolve(path) === resolve(ownPath)) return undefined;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  return writeRunKubeconfig(path, content, `omit --kubeconfig to use ${ownPath}`);
}

/**
 * Create (or truncate) the file with mode 0600 before anything writes secrets into it: a path that
 * is not a regular file is refused unopened, and an existing file is made 0600 before it is emptied
 * and written (callers pass kindgate's own files, or a --kubeconfig checked by checkKubeconfigTarget).
 */
export async function preparePrivateFile(path: string, content = ''): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await refuseNonRegular(path, 'choose another --kubeconfig or --cache-dir');
  const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_NONBLOCK, 0o600);
  try {
    await handle.chmod(0o600);
    await handle.truncate(0);
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
}

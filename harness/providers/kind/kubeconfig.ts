import { chmod, mkdir, open, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../../errors.ts';

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
 * already holds something (e.g. ~/.kube/config), unless it is kindgate's own file for this cluster.
 */
export async function checkKubeconfigTarget(
  path: string,
  ownPath: string | undefined,
  instead = `omit --kubeconfig to use ${ownPath}`,
): Promise<void> {
  if (ownPath !== undefined && resolve(path) === resolve(ownPath)) return;
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new UsageError(
      `--kubeconfig ${path} cannot be checked (${(error as Error).message}); choose a new path, or ${instead}.`,
      { cause: error },
    );
  }
  if (size > 0) {
    throw new UsageError(
      `--kubeconfig ${path} already exists and is not empty, and kindgate would overwrite it with this cluster's credentials; ` +
        `choose a new path, or ${instead}.`,
    );
  }
}

/** Create (or truncate) the file with mode 0600 before anything writes secrets into it. */
export async function preparePrivateFile(path: string, content = ''): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const handle = await open(path, 'w', 0o600);
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
  await chmod(path, 0o600);
}

import { chmod, mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * The run's kubeconfig: a private file (0600 in a 0700 directory), never ~/.kube/config.
 * Default: `<cacheDir>/clusters/<name>.kubeconfig` so a kept cluster can be found again.
 */
export function defaultKubeconfigPath(cacheDir: string, clusterName: string): string {
  return join(cacheDir, 'clusters', `${clusterName}.kubeconfig`);
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

import type { RunOptions } from '../config/options.ts';
import { EnvironmentError } from '../errors.ts';
import { creatableDirProblem } from '../reports/writable-dir.ts';

function unusableCacheMessage(dir: string, reason: string): string {
  return (
    `The cache directory ${dir} cannot be created or written (${reason}); ` +
    'set XDG_CACHE_HOME to a writable directory or pass --cache-dir.'
  );
}

/**
 * The kind provider keeps its downloads and kubeconfigs in the cache directory: one it could not
 * use is said before anything else, by `--dry-run` too (which only looks and creates nothing).
 */
export function checkCacheDir(options: Pick<RunOptions, 'cacheDir' | 'provider'>): void {
  if (options.provider !== 'kind') return;
  const reason = creatableDirProblem(options.cacheDir);
  if (reason) throw new EnvironmentError(unusableCacheMessage(options.cacheDir, reason));
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One private temporary directory per run: from here on $TMPDIR points into it, so whatever
 * kindgate, vitest (its module copies for the forks pool, `<tmpdir>/<nanoid>`: vitest
 * packages/vitest/src/node/core.ts `_tmpDir`) and the tools it runs create there is removed when
 * the process exits, however it exits: the end of the run, an error, or an interrupt's teardown.
 * Node reads TMPDIR on every os.tmpdir() call; child processes inherit it. The tsx loader thread
 * took its cache directory before this runs and keeps it (a cache meant to outlive runs).
 */

const TEMP_VARIABLES = ['TMPDIR', 'TMP', 'TEMP'] as const;

let current: { dir: string; parent: string } | undefined;

/** Create the run's temporary directory (once) and point TMPDIR into it; returns its path. */
export function useRunTempDir(): string {
  if (current) return current.dir;
  const parent = tmpdir();
  const dir = mkdtempSync(join(parent, 'kindgate-run-'));
  current = { dir, parent };
  for (const name of TEMP_VARIABLES) process.env[name] = dir;
  process.once('exit', removeRunTempDir);
  return dir;
}

/** The temporary directory the user had: for a process meant to outlive this run (up --detach). */
export function userTempDir(): string {
  return current?.parent ?? tmpdir();
}

/** Remove the run's temporary directory and give TMPDIR back (also called on exit). */
export function removeRunTempDir(): void {
  if (!current) return;
  const { dir, parent } = current;
  current = undefined;
  process.off('exit', removeRunTempDir);
  for (const name of TEMP_VARIABLES) process.env[name] = parent;
  rmSync(dir, { recursive: true, force: true });
}

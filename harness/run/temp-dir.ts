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

let current: { dir: string; saved: Record<string, string | undefined> } | undefined;

/** Create the run's temporary directory (once) and point TMPDIR into it; returns its path. */
export function useRunTempDir(): string {
  if (current) return current.dir;
  const parent = tmpdir();
  const dir = mkdtempSync(join(parent, 'kindgate-run-'));
  const saved = Object.fromEntries(TEMP_VARIABLES.map((name) => [name, process.env[name]]));
  current = { dir, saved };
  for (const name of TEMP_VARIABLES) process.env[name] = dir;
  process.once('exit', removeRunTempDir);
  return dir;
}

/** Remove the run's temporary directory and give TMPDIR, TMP and TEMP back as they were (also on exit). */
export function removeRunTempDir(): void {
  if (!current) return;
  const { dir, saved } = current;
  current = undefined;
  process.off('exit', removeRunTempDir);
  for (const name of TEMP_VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  rmSync(dir, { recursive: true, force: true });
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Temporary directories of the CLI tests (reports, kubeconfigs, sandboxes, a run's TMPDIR), made
 * under the system's temporary directory and removed once the test file is done: each file calls
 * `afterAll(removeTempDirs)`. What a test asserts about leftovers it asserts inside the test, before
 * then. A worker runs one test file at a time, so the list is that file's even with isolate off.
 */

const made = new Set<string>();

/** A fresh directory `<tmpdir>/<prefix>XXXXXX`, removed by the next removeTempDirs(). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Remove every directory tempDir() made (and what the runs wrote into them). */
export function removeTempDirs(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
}

import { constants, type Stats } from 'node:fs';
import { lstat, open, readFile, readlink, stat, truncate, unlink } from 'node:fs/promises';
import { UsageError } from '../errors.ts';

/**
 * A `--kubeconfig` path is the user's, and kindgate writes a cluster's credentials there. So the
 * path is looked at with lstat/stat only (a FIFO would block an open, a device would take the
 * write), and only a path that does not exist yet or an empty private regular file is taken. A new
 * file is created exclusively with mode 0600 from its first byte; the check and the write happen
 * under `<path>.lock` (the lock file name client-go and kind use for kubeconfigs), so two runs given
 * the same path can never both take it. At the end kindgate deletes only a file it created, and
 * empties again a file the user gave it empty; a file that changed hands meanwhile is left alone.
 */

function typeOf(s: Stats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

function notRegularMessage(path: string, s: Stats, instead: string): string {
  return (
    `--kubeconfig ${path} is ${typeOf(s)}, not a regular file; kindgate writes the cluster's credentials to a file it ` +
    `creates and will not touch this one: choose a new path, or ${instead}.`
  );
}

function danglingMessage(path: string, target: string, instead: string): string {
  return `--kubeconfig ${path} is a symbolic link to ${target}, which does not exist; choose a new path, or ${instead}.`;
}

function notEmptyMessage(path: string, instead: string): string {
  return (
    `--kubeconfig ${path} already exists and is not empty, and kindgate would overwrite it with this cluster's credentials; ` +
    `choose a new path, or ${instead}.`
  );
}

const modeText = (mode: number) => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

function openModeMessage(path: string, mode: number, instead: string): string {
  return (
    `--kubeconfig ${path} is an empty file others may read or write (mode ${modeText(mode)}), and kindgate would write ` +
    `this cluster's credentials into it; chmod 600 ${path}, choose a new path, or ${instead}.`
  );
}

function uncheckableMessage(path: string, error: Error, instead: string): string {
  return `--kubeconfig ${path} cannot be checked (${error.message}); choose a new path, or ${instead}.`;
}

function lockedMessage(path: string, instead: string): string {
  return (
    `--kubeconfig ${path} is being written by another process right now (lock file ${path}.lock); ` +
    `choose a new path, or ${instead} (remove ${path}.lock if nothing is writing it).`
  );
}

function unwritableMessage(path: string, error: NodeJS.ErrnoException): string {
  const why = error.code === 'ENOENT' ? 'its directory does not exist' : error.message;
  return `Cannot write the kubeconfig to ${path} (${why}); pass --kubeconfig with a writable path.`;
}

const code = (error: unknown) => (error as NodeJS.ErrnoException).code;

/** The path's own state when it is usable, else the sentence saying why not: never opened. */
export async function inspectKubeconfigTarget(path: string, instead: string): Promise<'absent' | 'empty'> {
  let found: Stats;
  try {
    found = await lstat(path);
    if (found.isSymbolicLink()) found = await stat(path);
  } catch (error) {
    if (code(error) !== 'ENOENT')
      throw new UsageError(uncheckableMessage(path, error as Error, instead), { cause: error });
    if (!(await isSymlink(path))) return 'absent';
    throw new UsageError(danglingMessage(path, await readlink(path), instead));
  }
  checkEmptyPrivateFile(path, found, instead);
  return 'empty';
}

async function isSymlink(path: string): Promise<boolean> {
  return lstat(path).then(
    (s) => s.isSymbolicLink(),
    () => false,
  );
}

function checkEmptyPrivateFile(path: string, s: Stats, instead: string): void {
  if (!s.isFile()) throw new UsageError(notRegularMessage(path, s, instead));
  if (s.size > 0) throw new UsageError(notEmptyMessage(path, instead));
  if (s.mode & 0o077) throw new UsageError(openModeMessage(path, s.mode, instead));
}

/** Refuse a path that exists and is not a regular file (lstat/stat only); for kindgate's own files. */
export async function refuseNonRegular(path: string, instead: string): Promise<void> {
  const found = await stat(path).catch((error: unknown) => {
    if (code(error) === 'ENOENT') return undefined;
    throw new UsageError(uncheckableMessage(path, error as Error, instead), { cause: error });
  });
  if (found && !found.isFile()) throw new UsageError(notRegularMessage(path, found, instead));
}

/** `<path>.lock`, created exclusively: held only while the path is checked and written. */
async function lock(path: string, instead: string): Promise<() => Promise<void>> {
  const lockPath = `${path}.lock`;
  try {
    const handle = await open(lockPath, 'wx', 0o600);
    await handle.writeFile(`${process.pid}\n`).finally(() => handle.close());
  } catch (error) {
    if (code(error) === 'EEXIST') throw new UsageError(lockedMessage(path, instead));
    throw new UsageError(unwritableMessage(path, error as NodeJS.ErrnoException), { cause: error });
  }
  return () => unlink(lockPath).catch(() => undefined);
}

/** A kubeconfig written for one run; `remove` undoes exactly what the run did to the path. */
export interface RunKubeconfig {
  readonly path: string;
  remove(): Promise<void>;
}

/** Write `content` to `path` for this run: a new file, or an empty private one the user gave. */
export async function writeRunKubeconfig(path: string, content: string, instead: string): Promise<RunKubeconfig> {
  const unlock = await lock(path, instead);
  try {
    const state = await inspectKubeconfigTarget(path, instead);
    const created = state === 'absent';
    const flags = created
      ? constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW
      : constants.O_WRONLY | constants.O_NONBLOCK;
    const handle = await open(path, flags, 0o600).catch((error: unknown) => {
      if (code(error) === 'EEXIST') throw new UsageError(notEmptyMessage(path, instead));
      throw new UsageError(unwritableMessage(path, error as NodeJS.ErrnoException), { cause: error });
    });
    let written: Stats;
    try {
      // The open file is the one checked: a path swapped for something else in between is refused.
      written = await handle.stat();
      checkEmptyPrivateFile(path, written, instead);
      await handle.writeFile(content);
    } catch (error) {
      if (created) await unlink(path).catch(() => undefined);
      throw error instanceof UsageError
        ? error
        : new UsageError(unwritableMessage(path, error as NodeJS.ErrnoException));
    } finally {
      await handle.close();
    }
    return runKubeconfig(path, content, created, written);
  } finally {
    await unlock();
  }
}

function runKubeconfig(path: string, content: string, created: boolean, written: Stats): RunKubeconfig {
  return {
    path,
    async remove() {
      const now = await stat(path).catch(() => undefined);
      // Another file at the path now (removed and recreated, replaced): not ours to touch.
      if (!now || now.ino !== written.ino || now.dev !== written.dev || !now.isFile()) return;
      if (created) {
        await unlink(path).catch(() => undefined);
        return;
      }
      // The user's own file: back to empty, unless they wrote something else into it meanwhile.
      if ((await readFile(path, 'utf8').catch(() => undefined)) === content) await truncate(path, 0);
    },
  };
}

import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../errors.ts';
import { PRIVATE_DIR_MODE } from './private-files.ts';

/**
 * Make sure `dir` exists and is writable, creating missing levels one at a time (0700: reports may
 * hold cluster details): Node's `mkdir({ recursive: true })` never returns under /proc on Linux,
 * and a run should learn that its report directory is unusable before it provisions anything.
 * Returns the levels it created, outermost first.
 */
export function ensureWritableDir(dir: string, flag: string): string[] {
  const missing: string[] = [];
  let cursor = dir;
  while (!exists(cursor)) {
    missing.unshift(cursor);
    const parent = dirname(cursor);
    if (parent === cursor) break;
    cursor = parent;
  }
  try {
    for (const level of missing) mkdirSync(level, PRIVATE_DIR_MODE);
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, constants.W_OK);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(
      `${flag} ${dir} cannot be created or written (${reason}); pass ${flag} with a writable directory.`,
    );
  }
  return missing;
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why `dir` could not be created or written, without creating anything (for --dry-run): the first
 * level that exists must be a directory this user may write into. Undefined when it looks usable.
 */
export function creatableDirProblem(dir: string): string | undefined {
  let cursor = dir;
  while (!exists(cursor)) {
    const parent = dirname(cursor);
    if (parent === cursor) return undefined;
    cursor = parent;
  }
  try {
    if (!statSync(cursor).isDirectory()) return cursor === dir ? 'not a directory' : 'ENOTDIR';
    accessSync(cursor, constants.W_OK | constants.X_OK);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  }
}

import { open } from 'node:fs/promises';

/**
 * Reports and diagnostics may hold cluster details, so what kindgate creates for them is
 * owner-only: files 0600 from their first byte, directories 0700. A directory that already exists
 * (the user's --report-dir) keeps its mode; kindgate's files inside it are still 0600.
 */

export const PRIVATE_DIR_MODE = 0o700;

/** Write `text` to a new 0600 file; an existing path (a previous run's file was cleared first) is written as it is. */
export async function writePrivateFile(path: string, text: string): Promise<void> {
  const handle = await open(path, 'wx', 0o600).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
    return open(path, 'w');
  });
  try {
    await handle.writeFile(text, 'utf8');
  } finally {
    await handle.close();
  }
}

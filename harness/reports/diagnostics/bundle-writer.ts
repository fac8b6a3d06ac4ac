import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { secondsOf, type Logger } from '../../log.ts';
import { PRIVATE_DIR_MODE, writePrivateFile } from '../private-files.ts';
import { redactSecrets } from '../redact.ts';
import { firstLine, stripAnsi } from '../text.ts';

/**
 * Where the collectors put what they find: files under the bundle root (redacted on the way out)
 * and the problems met on the way. Every collection step is best effort: a step that fails or
 * takes too long becomes one problem line, and the next step still runs.
 */
export class BundleWriter {
  /** Collection steps that failed, in the order they ran. */
  readonly problems: string[] = [];
  /** Files written, relative to the root, in the order they were written. */
  readonly files: string[] = [];

  constructor(
    readonly root: string,
    private readonly stepMs: number,
    private readonly log?: Logger,
  ) {}

  async write(path: string, text: string): Promise<void> {
    const full = join(this.root, path);
    await mkdir(join(full, '..'), { recursive: true, mode: PRIVATE_DIR_MODE });
    await writePrivateFile(full, redactSecrets(text));
    this.files.push(path);
  }

  /** Something the bundle lacks that no failing step reports (no pods matched, a Secret refused). */
  note(problem: string): void {
    this.problems.push(problem);
  }

  /** Run one collection step; a failure (or running past `ms`) is noted, never thrown. */
  async step(what: string, work: () => Promise<void>, ms = this.stepMs): Promise<void> {
    try {
      await withTimeout(work(), ms, what);
    } catch (error) {
      const problem = `${what}: ${errorText(error)}`;
      this.problems.push(problem);
      this.log?.warn(`diagnostics: ${problem}`);
    }
  }
}

/** A file or directory name from cluster text (namespace, pod, label selector). */
export function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_');
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${secondsOf(ms)} s`)), ms);
    timer.unref?.();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function errorText(error: unknown): string {
  return firstLine(stripAnsi(error instanceof Error ? error.message : String(error))) || 'unknown error';
}

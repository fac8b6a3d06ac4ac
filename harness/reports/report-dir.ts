import {
  closeSync,
  existsSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { conformanceReportFileName } from './conformance.ts';
import { BUNDLE_MARKER, diagnosticsDirName } from './diagnostics.ts';
import { junitFileName } from './junit.ts';
import { ensureWritableDir } from './writable-dir.ts';

/**
 * One run's hold on `--report-dir`. CI uploads `reports/junit.xml` from a fixed path, so the
 * reports stay where they always were, and each run's reports describe that run only: a report dir
 * another live run is writing is refused (a lock file names the run), and what a previous run left
 * there (junit.xml, conformance-report.yaml, diagnostics/) is removed before this run starts. Any
 * other file in the directory is the user's and stays.
 */

export const REPORT_DIR_LOCK = '.kindgate-run.lock';

interface LockOwner {
  pid: number;
  host: string;
}

export interface ReportDirClaim {
  dir: string;
  /** Remove the lock, and the directory levels the claim created if nothing was written to them. */
  release(): void;
}

function busyMessage(flag: string, dir: string, owner: LockOwner): string {
  const where = owner.host === hostname() ? '' : ` on host ${owner.host}`;
  const stale = where ? ` (remove ${join(dir, REPORT_DIR_LOCK)} if it is not running)` : '';
  return (
    `${flag} ${dir} is being written by another kindgate run (pid ${owner.pid}${where}); ` +
    `wait for it to finish, or pass another ${flag}${stale}.`
  );
}

function foreignMessage(flag: string, dir: string, name: string): string {
  const what = name.endsWith('/') ? `a ${name} directory` : `a ${name}`;
  return `${flag} ${dir} holds ${what} kindgate did not write; move it, or pass another ${flag}.`;
}

export function claimReportDir(dir: string, flag = '--report-dir'): ReportDirClaim {
  const created = ensureWritableDir(dir, flag);
  const lockPath = join(dir, REPORT_DIR_LOCK);
  try {
    takeLock(lockPath, flag, dir);
  } catch (error) {
    removeEmptyLevels(created);
    throw error;
  }
  const release = () => {
    process.off('exit', release);
    releaseLock(lockPath);
    removeEmptyLevels(created);
  };
  // Ctrl-C ends the process from the interrupt handler, after teardown: the lock goes with it.
  process.on('exit', release);
  try {
    clearPreviousRun(dir, flag);
  } catch (error) {
    release();
    throw error;
  }
  return { dir, release };
}

/** The lock file, created exclusively; a lock whose run is gone (same host, pid not alive) is taken over. */
function takeLock(lockPath: string, flag: string, dir: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() }));
      closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(lockPath);
    if (owner && (owner.host !== hostname() || isAlive(owner.pid))) throw new UsageError(busyMessage(flag, dir, owner));
    unlinkSync(lockPath);
  }
  throw new UsageError(busyMessage(flag, dir, readOwner(lockPath) ?? { pid: 0, host: hostname() }));
}

function readOwner(lockPath: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(lockPath, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? (owner as LockOwner) : undefined;
  } catch {
    return undefined; // unreadable or half-written: treated as gone
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove the lock if it is still this run's. */
function releaseLock(lockPath: string): void {
  if (readOwner(lockPath)?.pid === process.pid) rmSync(lockPath, { force: true });
}

/** What the start of each report kindgate writes says (junit.ts, conformance.ts): how an earlier run's is known. */
const REPORT_MARKERS: [string, string][] = [
  [junitFileName, '<testsuites name="kindgate"'],
  [conformanceReportFileName, 'kind: ConformanceReport'],
];

/**
 * junit.xml, conformance-report.yaml and a diagnostics/ bundle of an earlier run; nothing else.
 * All are checked before any is removed: a file of those names kindgate did not write is refused.
 */
function clearPreviousRun(dir: string, flag: string): void {
  const reports = REPORT_MARKERS.map(([name, marker]) => ({ name, path: join(dir, name), marker }));
  const bundle = join(dir, diagnosticsDirName);
  for (const { name, path, marker } of reports) {
    if (existsSync(path) && !startsWith(path, marker)) throw new UsageError(foreignMessage(flag, dir, name));
  }
  if (existsSync(bundle) && !isKindgateBundle(bundle))
    throw new UsageError(foreignMessage(flag, dir, `${diagnosticsDirName}/`));
  for (const { path } of reports) rmSync(path, { force: true });
  rmSync(bundle, { recursive: true, force: true });
}

/** Whether a regular file's first 4 KiB hold `marker` (read without following a link). */
function startsWith(path: string, marker: string): boolean {
  try {
    if (!lstatSync(path).isFile()) return false;
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(4096);
      return head
        .subarray(0, readSync(fd, head, 0, head.length, 0))
        .toString('utf8')
        .includes(marker);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** A bundle kindgate wrote starts its README with BUNDLE_MARKER (written first, so also an interrupted one). */
function isKindgateBundle(bundle: string): boolean {
  if (!statSync(bundle).isDirectory()) return false;
  if (readdirSync(bundle).length === 0) return true;
  try {
    return readFileSync(join(bundle, 'README.md'), 'utf8').startsWith(BUNDLE_MARKER);
  } catch {
    return false;
  }
}

/** The levels a claim created, deepest first, while they are empty. */
function removeEmptyLevels(created: readonly string[]): void {
  for (const level of [...created].reverse()) {
    try {
      rmdirSync(level);
    } catch {
      return; // not empty: this run wrote reports there
    }
  }
}

import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseXml, type XmlElement } from '../reports/xml-parse.test-helper.ts';
import { isStartUpCache, linkStartUpCaches } from './start-up-caches.test-helper.ts';
import { tempDir } from './temp-dirs.test-helper.ts';

/**
 * What the lifecycle tests look at after a run: the temporary files it left, its processes, its
 * JUnit file. Each run gets a TMPDIR of its own, so what is left there is the run's.
 */

/** A fresh directory to use as a run's TMPDIR, with the shared start-up caches linked in. */
export function privateTmpdir(): string {
  const dir = tempDir('kg-tmpdir-');
  linkStartUpCaches(dir);
  return dir;
}

/** What a run left in its TMPDIR, besides the start-up caches meant to outlive runs. */
export function leftInTmpdir(dir: string): string[] {
  return readdirSync(dir).filter((name) => !isStartUpCache(name));
}

/** Pids of processes whose command line contains `marker` (a path unique to one test). */
export function processesWith(marker: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes(marker) && !line.includes('ps -eo'))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

/**
 * Pids of the children of process `pid` (Linux: /proc/<pid>/task/<pid>/children, read without
 * starting a `ps`); without that file, those of `ps -o pid= --ppid`.
 */
export async function childrenOf(pid: number): Promise<number[]> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
  } catch {
    text = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout ?? '';
  }
  return text.split(/\s+/).filter(Boolean).map(Number);
}

/** Resolves true once `check` holds, false after `ms`. */
export async function eventually(check: () => boolean, ms: number, stepMs = 100): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return check();
}

export interface JunitCase {
  classname: string;
  name: string;
  /** passed, failed, or the skip message. */
  outcome: string;
}

/** The test cases of a junit.xml, flat. */
export function junitCases(dir: string): JunitCase[] {
  const root = parseXml(readFileSync(join(dir, 'junit.xml'), 'utf8'));
  return root.children.flatMap((suite) =>
    suite.children
      .filter((c) => c.name === 'testcase')
      .map((c: XmlElement) => {
        const skipped = c.children.find((x) => x.name === 'skipped');
        const failed = c.children.some((x) => x.name === 'failure');
        return {
          classname: c.attrs.classname,
          name: c.attrs.name,
          outcome: skipped ? skipped.attrs.message : failed ? 'failed' : 'passed',
        };
      }),
  );
}

/** A Node stack trace line (`    at fn (file:line)`). */
export const STACK_LINE = /\n\s+at \S/;

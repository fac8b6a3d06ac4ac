import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

/**
 * Notices that the process which started kindgate went away, so a foreground `up` or `test` is
 * never left running on its own with its cluster. The usual case: a script starts
 * `npx kindgate up … &` and later kills that pid; npm exits at once without passing the signal on,
 * the `sh -c` it ran goes with it, and kindgate is re-parented (to init or a subreaper).
 *
 * What is watched is the chain of ancestors from kindgate's parent up to the npm process that
 * started it (npm titles itself `npm exec …`, `npm run …`, `npm test`), when there is one within
 * a few levels, else the parent alone. Each second every link is checked: the process still has
 * the parent it had at the start. A broken link (a process gone, or re-parented) means the run
 * was abandoned. Checking links rather than pids being alive stays correct when a pid is reused.
 */

export interface ProcessTable {
  /** The parent pid of `pid`, or undefined when there is no such process. */
  parentOf(pid: number): Promise<number | undefined>;
  /** The command line of `pid` (as `ps` shows it), or undefined. */
  commandOf(pid: number): Promise<string | undefined>;
}

export interface ParentWatchOptions {
  /** Our own pid (default process.pid). */
  self?: number;
  intervalMs?: number;
  table?: ProcessTable;
}

/** How far up the ancestors an npm wrapper is looked for (npm → sh -c → kindgate, under vitest a few more). */
const MAX_WRAPPER_DEPTH = 5;
const NPM_TITLE = /^(npm|npx)(\s|$)|\/npm-cli\.js\s|\/npx-cli\.js\s/;

const run = promisify(execFile);

/** /proc on Linux (no process spawned per check), `ps` elsewhere (macOS). */
export const systemProcessTable: ProcessTable = {
  async parentOf(pid) {
    if (process.platform === 'linux') {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
      // Fields after the command name (which may contain spaces and parentheses): state ppid …
      const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
      return fields ? Number(fields[1]) : undefined;
    }
    const out = await run('ps', ['-o', 'ppid=', '-p', String(pid)]).catch(() => undefined);
    const ppid = Number(out?.stdout.trim());
    return out && Number.isInteger(ppid) && out.stdout.trim() !== '' ? ppid : undefined;
  },
  async commandOf(pid) {
    if (process.platform === 'linux') {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
      return cmdline?.replace(/\0+$/, '').replace(/\0/g, ' ');
    }
    const out = await run('ps', ['-o', 'command=', '-p', String(pid)]).catch(() => undefined);
    return out?.stdout.trim() || undefined;
  },
};

/** The processes to watch, child first: [self, parent, …, npm] or [self, parent]. */
export async function ancestorsToWatch(self: number, table: ProcessTable, parent?: number): Promise<number[]> {
  const first = parent ?? (await table.parentOf(self));
  if (first === undefined || first <= 1) return [self];
  const chain = [self, first];
  for (let pid = first; chain.length <= MAX_WRAPPER_DEPTH + 1;) {
    if (NPM_TITLE.test((await table.commandOf(pid)) ?? '')) return chain;
    const up = await table.parentOf(pid);
    if (up === undefined || up <= 1) break;
    chain.push(up);
    pid = up;
  }
  return [self, first];
}

/** The first link of the chain that no longer holds, described; undefined while all hold. */
export async function brokenLink(chain: readonly number[], table: ProcessTable): Promise<string | undefined> {
  for (let i = 1; i < chain.length; i++) {
    const parent = await table.parentOf(chain[i - 1]);
    if (parent !== chain[i]) {
      const what = i === 1 ? 'the parent process' : 'the process that started kindgate';
      return `${what} (pid ${chain[i]}) went away`;
    }
  }
  return undefined;
}

/**
 * Call `onGone` (once) when the parent chain breaks; returns a function that stops watching. The
 * timer never keeps the process alive.
 */
export function watchParent(onGone: (why: string) => void, options: ParentWatchOptions = {}): () => void {
  const { self = process.pid, intervalMs = 1_000, table = systemProcessTable } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  // The parent as it is now, before any await: the one that started us.
  const parent = self === process.pid ? process.ppid : undefined;
  const chainReady = ancestorsToWatch(self, table, parent);
  const tick = async () => {
    const chain = await chainReady;
    if (stopped || chain.length < 2) return;
    const why = await brokenLink(chain, table);
    if (stopped) return;
    if (why) {
      stopped = true;
      onGone(why);
      return;
    }
    timer = setTimeout(() => void tick(), intervalMs);
    timer.unref();
  };
  timer = setTimeout(() => void tick(), intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/**
 * A foreground run left alone by whoever started it ends as it would on SIGTERM: teardown, exit
 * 143. The signal is sent to ourselves so the one interrupt path handles it (before a run has
 * anything to tear down, the launcher's handler says so and exits).
 */
export function tearDownWhenAbandoned(log: (message: string) => void, options: ParentWatchOptions = {}): () => void {
  const stop = watchParent((why) => {
    log(`${why}: tearing down as on SIGTERM`);
    process.kill(process.pid, 'SIGTERM');
  }, options);
  const stopOnce = () => {
    active.delete(stopOnce);
    stop();
  };
  active.add(stopOnce);
  return stopOnce;
}

const active = new Set<() => void>();

/** Stop every watch a command started (it returned; the process may live on, as under tests). */
export function stopWatchingParents(): void {
  for (const stop of [...active]) stop();
}

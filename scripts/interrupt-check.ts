// Ctrl-C at any moment: interrupt `kindgate test --provider sim` at evenly spaced moments with
// every core busy, and check each run ended with its teardown done, exit 130, no stack trace,
// nothing left in its TMPDIR, and, once the suites had started, JUnit with every test finished or
// marked interrupted.
//
//   npx tsx scripts/interrupt-check.ts [--moments 10] [--from 0.1] [--to 2]
//
// The sim tier runs a short version of it (harness/cli/interrupt-moments.sim.test.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isStartUpCache, linkStartUpCaches } from '../harness/cli/start-up-caches.test-helper.ts';

const bin = fileURLToPath(new URL('./kindgate.js', import.meta.url));
/** The sim suites' test count; a run interrupted mid-suite reports every one of them. */
const TESTS = 19;

export interface InterruptOutcome {
  delaySeconds: number;
  /** When the launcher's signal handlers were in place, after the spawn (Linux; undefined elsewhere). */
  handlingAfterSeconds?: number;
  exitCode: number | null;
  /** The suites had started (their reports are due). */
  suitesStarted: boolean;
  /** The run was over before its moment came: nothing was interrupted (a finished run is judged as one). */
  endedFirst: boolean;
  /** Test cases in junit.xml that finished / were marked interrupted; undefined: no junit.xml. */
  junit?: { finished: number; interrupted: number };
  /** Whatever is wrong with this run; empty when it ended as it must. */
  problems: string[];
}

/** `moments` delays evenly spread from `from` to `to` seconds. */
export function moments(count: number, from: number, to: number): number[] {
  if (count === 1) return [from];
  return Array.from({ length: count }, (_, i) => Math.round((from + ((to - from) * i) / (count - 1)) * 100) / 100);
}

/**
 * Keeps every core busy until the returned stop function runs (or `maxMs` at the latest): busy
 * loops fill whatever the rest of the machine leaves idle, measured twice a second, so alone they
 * load every core and beside other work (npm test's other files) they take only what it leaves,
 * instead of competing with it. Without /proc (not Linux): one busy loop per core throughout.
 */
export function keepCpusBusy(maxMs = 120_000): () => void {
  const cores = availableParallelism();
  const burners: ChildProcess[] = [];
  const add = () => burners.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  const adjust = linuxCpuMeter(() => burners.map((b) => b.pid ?? 0));
  if (!adjust) for (let i = 0; i < cores; i++) add();
  const tick = setInterval(() => {
    const otherShare = adjust?.();
    if (otherShare === undefined) return;
    const wanted = Math.max(0, Math.min(cores, Math.round((1 - otherShare) * cores)));
    while (burners.length < wanted) add();
    while (burners.length > wanted) burners.pop()?.kill('SIGKILL');
  }, 500);
  if (adjust) adjust(); // the first reading: the baseline the next one is measured from
  const stop = () => {
    clearInterval(tick);
    clearTimeout(limit);
    for (const burner of burners) burner.kill('SIGKILL');
  };
  const limit = setTimeout(stop, maxMs);
  limit.unref();
  process.once('exit', stop);
  return stop;
}

/**
 * Linux: a function that returns the share of all cores (0..1) busy with anything but the given
 * processes since it was last called; undefined elsewhere.
 */
function linuxCpuMeter(excluded: () => number[]): (() => number | undefined) | undefined {
  if (!existsSync('/proc/stat')) return undefined;
  const TICK_MS = 10; // USER_HZ is 100 on Linux
  const machine = () => {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const idle = fields[3] + fields[4];
    const total = fields.reduce((a, b) => a + b, 0);
    return { busy: (total - idle) * TICK_MS, total: total * TICK_MS };
  };
  const ofProcesses = () =>
    excluded().reduce((sum, pid) => {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        return sum + (Number(fields[11]) + Number(fields[12])) * TICK_MS;
      } catch {
        return sum; // gone
      }
    }, 0);
  let last: { busy: number; total: number; excluded: number } | undefined;
  return () => {
    const now = { ...machine(), excluded: ofProcesses() };
    const before = last;
    last = now;
    if (!before || now.total === before.total) return undefined;
    const other = now.busy - before.busy - Math.max(0, now.excluded - before.excluded);
    return Math.max(0, Math.min(1, other / (now.total - before.total)));
  };
}

/**
 * Resolves once the process catches SIGHUP (Linux: bit 0 of SigCgt in /proc/<pid>/status), which
 * its launcher's first lines arrange: before that Node is still starting and no program can handle
 * a signal. Node itself catches SIGINT and SIGTERM from the start (to restore the terminal), not
 * SIGHUP. Elsewhere, or once the process is gone, resolves at once with undefined.
 */
async function handlersInPlace(pid: number, started: number): Promise<number | undefined> {
  for (;;) {
    let status: string;
    try {
      status = readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      return undefined;
    }
    const caught = /^SigCgt:\s*([0-9a-f]+)$/m.exec(status)?.[1];
    if (caught === undefined) return undefined;
    if ((BigInt(`0x${caught}`) & 1n) === 1n) return (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Resolves to `value` after `ms`, without keeping the process alive for it. */
function after<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms).unref());
}

function junitCounts(file: string): { finished: number; interrupted: number } {
  const xml = readFileSync(file, 'utf8');
  const cases = xml.match(/<testcase /g)?.length ?? 0;
  const interrupted = xml.match(/<skipped message="interrupted/g)?.length ?? 0;
  return { finished: cases - interrupted, interrupted };
}

/**
 * Start a sim run, send SIGINT `delaySeconds` after the spawn (or, when Node took longer to start,
 * as soon as kindgate's handlers are in place), and judge how it ended.
 */
export async function interruptAt(delaySeconds: number): Promise<InterruptOutcome> {
  const tmp = mkdtempSync(join(tmpdir(), 'kg-interrupt-tmp-'));
  linkStartUpCaches(tmp);
  const reports = mkdtempSync(join(tmpdir(), 'kg-interrupt-reports-'));
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'test', '--provider', 'sim', '--report-dir', reports], {
    env: { ...process.env, NO_COLOR: '1', TMPDIR: tmp },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // 'close': the process exited and its stderr was read to the end.
  let killedBy: NodeJS.Signals | null = null;
  const exited = new Promise<number | 'killed'>((resolve) =>
    child.once('close', (code, signal) => {
      killedBy = signal;
      resolve(code ?? 'killed');
    }),
  );
  const handling = handlersInPlace(child.pid!, started);
  const moment = Promise.all([after(delaySeconds * 1000, false as const), handling]).then(() => false as const);
  let early = await Promise.race([exited.then(() => true), moment]);
  const handlingAfterSeconds = await handling;
  const signalledAt = performance.now();
  if (!early) child.kill('SIGINT');
  const ended = await Promise.race([exited, after(120_000, null)]);
  if (ended === null) child.kill('SIGKILL');
  const exitCode = typeof ended === 'number' ? ended : null;
  // The signal went as the run ended on its own: it had printed its last line and exits with its
  // own code (the launcher ignores a signal once the command returned). A run that ignored the
  // signal mid-way would go on for the rest of its suites, far longer than this.
  if (!early && exitCode === 0 && !stderr.includes('received') && performance.now() - signalledAt < 250) early = true;

  const problems: string[] = [];
  // The launcher's first line installs a handler that is never removed: a process the signal killed
  // had not run it yet (Node was still starting).
  if (killedBy) problems.push(`killed by ${killedBy} before Node ran kindgate's first line`);
  else if (early ? exitCode !== 0 : exitCode !== 130)
    problems.push(`exit ${exitCode ?? 'none within 120 s'}, expected ${early ? '0 (it ended on its own)' : 130}`);
  if (!stderr.includes('teardown done')) problems.push('no "teardown done"');
  if (/\n\s+at \S/.test(stderr)) problems.push('a stack trace');
  const left = readdirSync(tmp).filter((name) => !isStartUpCache(name));
  if (left.length > 0) problems.push(`left in TMPDIR: ${left.join(', ')}`);
  const suitesStarted = stderr.includes('gateway endpoints resolved');
  const junitFile = join(reports, 'junit.xml');
  const junit = existsSync(junitFile) ? junitCounts(junitFile) : undefined;
  if (suitesStarted && !junit) problems.push('the suites had started but there is no junit.xml');
  if (junit && junit.finished + junit.interrupted !== TESTS)
    problems.push(`junit.xml has ${junit.finished + junit.interrupted} tests, expected ${TESTS}`);
  if (problems.length > 0) problems.push(`stderr:\n${stderr}`);
  // Judged: what the run left is in `problems`; its directories go (nothing piles up in /tmp).
  for (const dir of [tmp, reports]) rmSync(dir, { recursive: true, force: true });
  return { delaySeconds, handlingAfterSeconds, exitCode, suitesStarted, endedFirst: early, junit, problems };
}

export function describeOutcome(o: InterruptOutcome): string {
  const junit = o.junit ? `junit: ${o.junit.finished} finished, ${o.junit.interrupted} interrupted` : 'no junit.xml';
  const stage = o.endedFirst ? 'ended on its own first' : o.suitesStarted ? 'suites started' : 'before the suites';
  const verdict = o.problems.length === 0 ? 'ok' : `FAILED: ${o.problems.join('; ')}`;
  const handling =
    o.handlingAfterSeconds === undefined ? '' : `  (Node started in ${o.handlingAfterSeconds.toFixed(2)} s)`;
  return `${o.delaySeconds.toFixed(2).padStart(5)} s${handling}  exit ${o.exitCode}  ${stage}, ${junit}  ${verdict}`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { moments: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
  });
  const delays = moments(Number(values.moments ?? 10), Number(values.from ?? 0.1), Number(values.to ?? 2));
  const stopBurners = keepCpusBusy();
  let failed = 0;
  let endedFirst = 0;
  try {
    for (const delay of delays) {
      const outcome = await interruptAt(delay);
      if (outcome.problems.length > 0) failed++;
      if (outcome.endedFirst) endedFirst++;
      process.stdout.write(`${describeOutcome(outcome)}\n`);
    }
  } finally {
    stopBurners();
  }
  if (endedFirst > 0)
    process.stdout.write(`${endedFirst} run(s) ended on their own before their moment (not interrupted)\n`);
  process.stdout.write(`${delays.length - failed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = await main();

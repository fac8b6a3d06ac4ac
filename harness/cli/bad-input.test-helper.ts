import { lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { Server } from 'node:net';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { expect, vi } from 'vitest';
import { kindgateBin } from '../package-paths.ts';
import { main } from './main.ts';
import { linkStartUpCaches } from './start-up-caches.test-helper.ts';
import { tempDir } from './temp-dirs.test-helper.ts';

/**
 * The bad-input table's machinery. Every row is run in a sandbox of its own (its own TMPDIR,
 * XDG_CACHE_HOME, cwd and a directory for the row's input files), and every row is held to the
 * same four promises: the expected exit code, one sentence with the expected fragment, no stack
 * trace, and nothing left behind (no new file in the sandbox, no listening server).
 */

export interface Sandbox {
  /** Holds tmp/, cache/, cwd/ and in/ (the row's inputs, made by its setup). */
  root: string;
  tmp: string;
  cache: string;
  cwd: string;
  inputs: string;
  env: Record<string, string>;
}

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

export interface BadInputRow {
  /** What the user did, as the issue or the README says it. */
  name: string;
  /** The command line; a function gets the sandbox (for paths of files setup made). */
  argv: string[] | ((box: Sandbox) => string[]);
  setup?: (box: Sandbox) => void;
  code: number;
  /** A fragment of the sentence on stderr (for a row that exits 0: of what it prints there). */
  says: string | RegExp;
  /** Extra checks (a file left untouched, its mode). */
  check?: (box: Sandbox, outcome: Outcome) => void;
}

export function makeSandbox(): Sandbox {
  const root = tempDir('kg-bad-');
  const box = {
    root,
    tmp: join(root, 'tmp'),
    cache: join(root, 'cache'),
    cwd: join(root, 'cwd'),
    inputs: join(root, 'in'),
  };
  for (const dir of [box.tmp, box.cache, box.cwd, box.inputs]) mkdirSync(dir);
  linkStartUpCaches(box.tmp);
  return { ...box, env: { TMPDIR: box.tmp, XDG_CACHE_HOME: box.cache, NO_COLOR: '1' } };
}

/** Every path under `root` (directories end with '/'), for the "nothing left behind" check. */
export function listTree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const isDir = lstatSync(path).isDirectory();
      out.push(`${relative(root, path)}${isDir ? '/' : ''}`);
      if (isDir) walk(path);
    }
  };
  walk(root);
  return out.sort();
}

/** `main()` in this process, with the sandbox's environment and stdout/stderr captured. */
export async function runInProcess(argv: string[], box: Sandbox): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const capture = (append: (text: string) => void) => (chunk: unknown) => {
    append(String(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture((t) => (stdout += t)));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture((t) => (stderr += t)));
  for (const [key, value] of Object.entries(box.env)) vi.stubEnv(key, value);
  vi.stubEnv('KUBECONFIG', undefined);
  vi.stubEnv('KINDGATE_DEBUG', undefined);
  // Relative paths (`--report-dir ''` is the current directory) land in the sandbox, where they are seen.
  const cwd = process.cwd();
  process.chdir(box.cwd);
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    process.chdir(cwd);
    out.mockRestore();
    err.mockRestore();
    vi.unstubAllEnvs();
  }
}

/** `node scripts/kindgate.js` as a user runs it, in the sandbox's cwd and environment. */
export async function runChild(argv: string[], box: Sandbox, timeoutMs = 60_000): Promise<Outcome> {
  const run = await execa('node', [kindgateBin, ...argv], {
    reject: false,
    cwd: box.cwd,
    env: { ...box.env, KUBECONFIG: '', KINDGATE_DEBUG: '' },
    timeout: timeoutMs,
  });
  return { code: run.exitCode ?? -1, stdout: String(run.stdout), stderr: String(run.stderr) };
}

/** Servers of this process that are listening (in-process rows must leave none behind). */
export function listeningServers(): number {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.filter((h) => h instanceof Server && h.listening).length;
}

/** The four promises of the table, for one row's outcome. */
export function expectHandledWell(row: BadInputRow, outcome: Outcome, box: Sandbox, before: string[]): void {
  const context = `${row.name}\nstderr:\n${outcome.stderr}`;
  expect(outcome.code, context).toBe(row.code);
  if (typeof row.says === 'string') expect(outcome.stderr, context).toContain(row.says);
  else expect(outcome.stderr, context).toMatch(row.says);
  const errorLines = outcome.stderr.split('\n').filter((l) => l.startsWith('kindgate: '));
  expect(errorLines, context).toHaveLength(row.code === 0 ? 0 : 1);
  expect(outcome.stderr, context).not.toMatch(/^\s+at /m);
  expect(outcome.stderr, context).not.toMatch(/this looks like a bug/);
  expect(listTree(box.root), `${row.name}: nothing left behind`).toEqual(before);
}

/** Run one row: setup, snapshot, run, the four promises, the row's own checks. */
export async function checkRow(
  row: BadInputRow,
  run: (argv: string[], box: Sandbox) => Promise<Outcome>,
): Promise<Outcome> {
  const box = makeSandbox();
  row.setup?.(box);
  const before = listTree(box.root);
  const argv = typeof row.argv === 'function' ? row.argv(box) : row.argv;
  const outcome = await run(argv, box);
  expectHandledWell(row, outcome, box, before);
  row.check?.(box, outcome);
  return outcome;
}

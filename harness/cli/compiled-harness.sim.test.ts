import { createHash } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../package-paths.ts';
import { linkStartUpCaches, START_UP_CACHES } from './start-up-caches.test-helper.ts';
import { tempDir } from './temp-dirs.test-helper.ts';

/**
 * The compiled harness (scripts/compiled-harness.js) as users meet it: `node scripts/kindgate.js`
 * in copies of the package (so their sources can be edited) sharing a TMPDIR of their own (so the
 * cache starts empty). What it must never do: run a build older than the sources or made for
 * another checkout, break a run because the cache is odd, or write into a cache directory another
 * user could have planted. One after another: each step starts from the cache the last one left
 * (a build of the client costs a second; the checkouts share it).
 */

const uid = process.geteuid?.() ?? 0;
const temps: string[] = [];

/** A TMPDIR sharing tsx's and Node's caches (a run that loads the sources starts as usual), not the compiled harness's. */
function freshTmpdir(): string {
  const tmp = tempDir('kg-compiled-tmp-');
  temps.push(tmp);
  linkStartUpCaches(
    tmp,
    START_UP_CACHES.filter((name) => !name.startsWith('kindgate-harness')),
  );
  return tmp;
}

/** A copy of the package: its own sources, the installed node_modules linked. */
function packageCopy(): string {
  const root = tempDir('kg-compiled-');
  temps.push(root);
  for (const entry of ['harness', 'suites', 'scripts', 'fixtures', 'package.json', 'tsconfig.json']) {
    cpSync(join(packageRoot, entry), join(root, entry), { recursive: true });
  }
  symlinkSync(join(packageRoot, 'node_modules'), join(root, 'node_modules'));
  return root;
}

function kindgate(root: string, tmp: string, argv: string[], env: Record<string, string> = {}) {
  return execa('node', [join(root, 'scripts/kindgate.js'), ...argv], {
    reject: false,
    env: { NO_COLOR: '1', TMPDIR: tmp, KINDGATE_DEBUG: '', ...env },
    timeout: 60_000,
  });
}

const shared = freshTmpdir();
const cache = join(shared, `kindgate-harness-${uid}`);
/** The builds in the cache: directories named by their 64-hex key. */
const builds = () => readdirSync(cache).filter((name) => /^[0-9a-f]{64}$/.test(name));
const first = packageCopy();
const second = packageCopy();
const USAGE = 'Usage: kindgate <command> [options]';

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('compiled harness', { timeout: 120_000 }, () => {
  it('runs starting together on an empty cache all run, and leave one build and no staging', async () => {
    const runs = await Promise.all([1, 2].map(() => kindgate(first, shared, ['--version'])));
    const { version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
    for (const run of runs) expect([run.exitCode, run.stdout, run.stderr]).toEqual([0, version, '']);
    expect(builds()).toHaveLength(1);
    expect(readdirSync(cache).filter((name) => name.startsWith('.staging-') || name.endsWith('.building'))).toEqual([]);
  });

  it('a build lock whose holder died (SIGKILL mid-build) is taken over, not waited on', async () => {
    const tmp = freshTmpdir();
    const dir = join(tmp, `kindgate-harness-${uid}`);
    mkdirSync(dir, { mode: 0o700 });
    const dead = execa('node', ['-e', '']);
    await dead;
    // The lock of `first`'s build: named by its checkout's pointer (scripts/compiled-harness.js).
    const pointer = `checkout-${createHash('sha256').update(`${first}/`).digest('hex').slice(0, 16)}`;
    writeFileSync(join(dir, `${pointer}.building`), String(dead.pid));
    const started = performance.now();
    const run = await kindgate(first, tmp, ['--help']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(performance.now() - started).toBeLessThan(20_000); // not the 30 s wait for a live holder
    expect(readdirSync(dir).filter((name) => /^[0-9a-f]{64}$/.test(name))).toHaveLength(1);
    expect(readdirSync(dir).filter((name) => name.endsWith('.building'))).toEqual([]);
  });

  it('a compiled file removed from the cache (a TMPDIR cleaner) means a new build, not a crash', async () => {
    const [build] = builds();
    rmSync(join(cache, build, 'harness/cli/help.js'));
    const run = await kindgate(first, shared, ['--help']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain(USAGE);
    expect(readFileSync(join(cache, build, 'harness/cli/help.js'), 'utf8')).toContain('Usage: kindgate');
    expect(builds()).toEqual([build]);
  });

  it('another checkout of the same sources runs a build of its own (it names its files)', async () => {
    expect((await kindgate(second, shared, ['--help'])).exitCode).toBe(0);
    expect(builds()).toHaveLength(2);
    // Each build's modules name the files of its own checkout (fixtures/, package.json, the Go module).
    const paths = builds().map((build) => readFileSync(join(cache, build, 'harness/package-paths.js'), 'utf8'));
    expect(paths.filter((text) => text.includes(first)).length).toBe(1);
    expect(paths.filter((text) => text.includes(second)).length).toBe(1);
  });

  it('an edited source is what the next run runs; an unchanged checkout reuses its build', async () => {
    const before = builds();
    const help = join(second, 'harness/cli/help.ts');
    writeFileSync(
      help,
      readFileSync(help, 'utf8').replace('Usage: kindgate <command>', 'Usage: kindgate-edited <command>'),
    );
    const edited = await kindgate(second, shared, ['--help']);
    expect(edited.exitCode, edited.stderr).toBe(0);
    expect(edited.stdout).toContain('Usage: kindgate-edited <command> [options]');
    expect(builds()).toHaveLength(3);

    const unchanged = await kindgate(first, shared, ['--help']);
    expect(unchanged.stdout).toContain(USAGE);
    expect(builds()).toHaveLength(3);
    expect(builds()).toEqual(expect.arrayContaining(before));
  });

  it('a cache directory others can write is neither used nor written into: the run loads the sources', async () => {
    const tmp = freshTmpdir();
    const planted = join(tmp, `kindgate-harness-${uid}`);
    mkdirSync(planted);
    chmodSync(planted, 0o777);
    const run = await kindgate(first, tmp, ['test', '--provider', 'sim', '--bogus']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("Unknown option '--bogus'");
    expect(readdirSync(planted)).toEqual([]);
  });

  it('KINDGATE_COMPILED_HARNESS=0 loads the sources and makes no build', async () => {
    const tmp = freshTmpdir();
    const run = await kindgate(first, tmp, ['--help'], { KINDGATE_COMPILED_HARNESS: '0' });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain(USAGE);
    expect(readdirSync(tmp).filter((name) => name.startsWith('kindgate-harness'))).toEqual([]);
  });
});

import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../package-paths.ts';
import { linkStartUpCaches, START_UP_CACHES } from './start-up-caches.test-helper.ts';
import { tempDir } from './temp-dirs.test-helper.ts';

/**
 * The compiled harness (scripts/compiled-harness.js) as users meet it: `node scripts/kindgate.js`
 * in a copy of the package (so its sources can be edited) with a TMPDIR of its own (so its cache
 * starts empty). What it must never do: run a build older than the sources, break a run because
 * the cache is odd, or write into a cache directory another user could have planted.
 */

const uid = process.geteuid?.() ?? 0;
const copies: string[] = [];

interface Copy {
  root: string;
  /** The TMPDIR its runs get: the compiled harness's cache starts empty there. */
  tmp: string;
}

/**
 * A copy of the package (its own sources, the installed node_modules linked), or another TMPDIR
 * for one. Its TMPDIR shares tsx's and Node's caches (a run that loads the sources starts as usual),
 * not the compiled harness's.
 */
function packageCopy(of?: Copy): Copy {
  const tmp = tempDir('kg-compiled-tmp-');
  copies.push(tmp);
  linkStartUpCaches(
    tmp,
    START_UP_CACHES.filter((name) => !name.startsWith('kindgate-harness')),
  );
  if (of) return { root: of.root, tmp };
  const root = tempDir('kg-compiled-');
  copies.push(root);
  for (const entry of ['harness', 'suites', 'scripts', 'fixtures', 'package.json', 'tsconfig.json']) {
    cpSync(join(packageRoot, entry), join(root, entry), { recursive: true });
  }
  symlinkSync(join(packageRoot, 'node_modules'), join(root, 'node_modules'));
  return { root, tmp };
}

function kindgate(copy: Copy, argv: string[], env: Record<string, string> = {}) {
  return execa('node', [join(copy.root, 'scripts/kindgate.js'), ...argv], {
    reject: false,
    env: { NO_COLOR: '1', TMPDIR: copy.tmp, KINDGATE_DEBUG: '', ...env },
    timeout: 60_000,
  });
}

const cacheOf = (copy: Copy) => join(copy.tmp, `kindgate-harness-${uid}`);
/** A copy whose sources no test edits, shared by the tests that only need an empty cache. */
let unedited: Copy | undefined;
const uneditedCopy = () => packageCopy((unedited ??= packageCopy()));
/** The builds in a cache: directories named by their 64-hex key. */
const buildsIn = (cache: string) => readdirSync(cache).filter((name) => /^[0-9a-f]{64}$/.test(name));

afterAll(() => {
  for (const root of copies) rmSync(root, { recursive: true, force: true });
});

describe.concurrent('compiled harness', { timeout: 120_000 }, () => {
  it('an edited source is what the next run runs; an unchanged one reuses the build', async () => {
    const root = packageCopy();
    const first = await kindgate(root, ['--help']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toContain('Usage: kindgate <command> [options]');
    const [build] = buildsIn(cacheOf(root));
    expect(build).toBeDefined();

    const again = await kindgate(root, ['--help']);
    expect(again.stdout).toBe(first.stdout);
    expect(buildsIn(cacheOf(root))).toEqual([build]);

    const help = join(root.root, 'harness/cli/help.ts');
    writeFileSync(
      help,
      readFileSync(help, 'utf8').replace('Usage: kindgate <command>', 'Usage: kindgate-edited <command>'),
    );
    const edited = await kindgate(root, ['--help']);
    expect(edited.exitCode, edited.stderr).toBe(0);
    expect(edited.stdout).toContain('Usage: kindgate-edited <command> [options]');
    expect(buildsIn(cacheOf(root))).toHaveLength(2);
  });

  it('a cache directory others can write is neither used nor written into: the run loads the sources', async () => {
    const root = uneditedCopy();
    const planted = cacheOf(root);
    mkdirSync(planted);
    chmodSync(planted, 0o777);
    const run = await kindgate(root, ['test', '--provider', 'sim', '--bogus']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("Unknown option '--bogus'");
    expect(readdirSync(planted)).toEqual([]);
  });

  it('runs starting together on an empty cache all run and leave one build, no staging; a compiled file removed later (a TMPDIR cleaner) means a new build, not a crash', async () => {
    const root = uneditedCopy();
    const runs = await Promise.all([1, 2].map(() => kindgate(root, ['--version'])));
    const { version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
    for (const run of runs) expect([run.exitCode, run.stdout, run.stderr]).toEqual([0, version, '']);
    const cache = cacheOf(root);
    const [build, ...others] = buildsIn(cache);
    expect(others).toEqual([]);
    expect(readdirSync(cache).filter((name) => name.startsWith('.staging-'))).toEqual([]);

    rmSync(join(cache, build, 'harness/cli/help.js'));
    const run = await kindgate(root, ['--help']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('Usage: kindgate <command> [options]');
    expect(readFileSync(join(cache, build, 'harness/cli/help.js'), 'utf8')).toContain('Usage: kindgate');
  });

  it('two checkouts of the same sources sharing a TMPDIR each run a build of their own (it names their files)', async () => {
    const first = uneditedCopy();
    const second = { ...packageCopy(), tmp: first.tmp };
    for (const copy of [first, second]) expect((await kindgate(copy, ['--version'])).exitCode).toBe(0);
    const builds = buildsIn(cacheOf(first));
    expect(builds).toHaveLength(2);
    // Each build's modules name the files of its own checkout (fixtures/, package.json, the Go module).
    const paths = builds.map((build) => readFileSync(join(cacheOf(first), build, 'harness/package-paths.js'), 'utf8'));
    expect(paths.filter((text) => text.includes(first.root)).length).toBe(1);
    expect(paths.filter((text) => text.includes(second.root)).length).toBe(1);
  });

  it('KINDGATE_COMPILED_HARNESS=0 loads the sources and makes no build', async () => {
    const root = uneditedCopy();
    const run = await kindgate(root, ['--help'], { KINDGATE_COMPILED_HARNESS: '0' });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('Usage: kindgate <command> [options]');
    expect(readdirSync(root.tmp).filter((name) => name.startsWith('kindgate-harness'))).toEqual([]);
  });
});

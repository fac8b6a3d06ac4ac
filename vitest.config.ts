import { accessSync, constants, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { linkStartUpCaches } from './harness/cli/start-up-caches.test-helper.ts';
import { suiteBinaryKept } from './harness/conformance/go-tiers.test-helper.ts';

// One temporary directory for the whole test run: the tests' own temporary files, the workers'
// and every kindgate child process's (they inherit TMPDIR) land in it, and it goes when vitest
// exits, pass or fail, instead of piling up in /tmp run after run. On a RAM-backed file system
// when the machine has one with room (Linux /dev/shm): the run makes and removes tens of
// thousands of files (sandboxes, package copies, reports, builds), which on ext4 cost about 4
// CPU-seconds of inode allocation per run here.
const testTmp = mkdtempSync(join(scratchBase(), 'kindgate-tests-'));
// The caches a start-up reads (tsx's, Node's compile cache, kindgate's compiled harness) are meant
// to outlive runs: the run's directory links to the usual ones, so the CLI processes the tests
// start do not each compile the harness anew.
linkStartUpCaches(testTmp);
for (const name of ['TMPDIR', 'TMP', 'TEMP']) process.env[name] = testTmp;
process.once('exit', () => rmSync(testTmp, { recursive: true, force: true }));

/** /dev/shm when it is a writable directory with at least 1 GiB free, else the usual temporary directory. */
function scratchBase(): string {
  const ram = '/dev/shm';
  try {
    accessSync(ram, constants.W_OK);
    const { bavail, bsize } = statfsSync(ram);
    if (bavail * bsize >= 2 ** 30) return ram;
  } catch {
    // none (not Linux), or not ours to write
  }
  return tmpdir();
}

// The go and conformance tiers run the upstream suite's test binary, kept in their cache. Once it
// is built they take seconds and run beside unit and sim (the conformance tier, the longest file,
// starts first: vitest orders a group's projects by name). Until then their first run compiles
// for minutes on every core: they run last, one file at a time, so the build never competes with
// the timeouts of the other tiers and is done once.
const suiteBuilt = suiteBinaryKept();

// Six tiers (see README): unit = pure logic; sim = the harness paths against the in-process
// simulated cluster, and sim-suites = the suites against one; docker = the parts that touch a real
// Docker engine; go = the upstream conformance suite built with the Go toolchain and run against
// the simulated cluster; conformance = the whole upstream suite against the sim, held to the
// README's table.
/**
 * The sim tier's files that mostly wait (backoffs against a faulty sim, CLI children, timers) and
 * take 10 to 25 s: started first, they overlap everything else; started last, they run on alone
 * (on a fresh clone, sim-faults started at 28 s and ended at 49). vitest orders a project's files
 * by the duration it recorded last time, longest first; without a record (a fresh clone, CI) by
 * size, which puts these late. Longest first.
 */
const WAIT_MOSTLY = [
  'harness/cli/sim-faults.sim.test.ts',
  'harness/cli/existing-against-up.sim.test.ts',
  'harness/cli/cli.sim.test.ts',
  'harness/kube/client-faults.sim.test.ts',
];

/** vitest's order, except that in a project whose files have no recorded durations, WAIT_MOSTLY go first. */
class WaitingFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files);
    const path = (file: TestSpecification) => relative(this.ctx.config.root, file.moduleId);
    const recorded = (file: TestSpecification) =>
      this.ctx.cache.getFileTestResults(`${file.project.name}:${path(file)}`) !== undefined;
    const rank = (file: TestSpecification) => {
      const at = WAIT_MOSTLY.indexOf(path(file));
      return at === -1 ? WAIT_MOSTLY.length : at;
    };
    // vitest's order groups a project's files together; each group is reordered on its own.
    const out: TestSpecification[] = [];
    for (let start = 0; start < ordered.length;) {
      let end = start;
      while (end < ordered.length && ordered[end].project === ordered[start].project) end++;
      const group = ordered.slice(start, end);
      if (group.every(recorded)) out.push(...group);
      else
        out.push(
          ...group
            .map((file, index) => ({ file, index }))
            .sort((a, b) => rank(a.file) - rank(b.file) || a.index - b.index)
            .map(({ file }) => file),
        );
      start = end;
    }
    return out;
  }
}

export default defineConfig({
  test: {
    sequence: { sequencer: WaitingFilesFirst },
    // More workers than cores, at least four: most of the sim tier waits on child processes (the CLI
    // as users run it) and timers. On 2 cores, 4 workers took npm test from 85 s to 68 s (3: 73 s, 6: 69 s).
    maxWorkers: Math.max(4, availableParallelism() + 2),
    projects: [
      {
        test: {
          name: 'unit',
          include: ['harness/**/*.test.ts', 'scripts/**/*.test.ts', 'suites/**/*.unit.test.ts'],
          // Pure logic: sharing one module graph across files halves the tier's time.
          isolate: false,
          exclude: [
            '**/*.sim.test.ts',
            '**/*.docker.test.ts',
            '**/*.go.test.ts',
            '**/*.conformance.test.ts',
            'node_modules/**',
          ],
        },
      },
      {
        test: {
          name: 'sim',
          include: ['harness/**/*.sim.test.ts'],
          exclude: ['node_modules/**'],
          isolate: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The suites against one simulated cluster, as `kindgate test --provider sim` runs them: their
        // files one after another in one worker (the troubleshooting cases attach routes to the
        // Gateway whose attached routes the gateway suite counts), beside the other projects' files.
        test: {
          name: 'sim-suites',
          // One file that imports every suite file in kindgate's order (see it for why).
          include: ['suites/setup/in-order.sim-suites.ts'],
          globalSetup: ['suites/setup/sim.ts'],
          isolate: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'docker',
          include: ['harness/**/*.docker.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Beside the other tiers, files in parallel too: each file's images, networks (own IPv6
          // subnet) and containers carry names and labels of its own. One file at a time would put
          // the tier after every other file (vitest runs such files last).
        },
      },
      {
        test: {
          name: 'go',
          // The upstream conformance suite built from its pinned Go module with the `go` on PATH:
          // minutes the first time (module downloads, compile), seconds once it is built. Until
          // then, fileParallelism false puts it, with docker, in vitest's one-file-at-a-time group
          // that starts after every other (see suiteBuilt).
          include: ['harness/**/*.go.test.ts'],
          testTimeout: 20 * 60_000,
          hookTimeout: 20 * 60_000,
          fileParallelism: suiteBuilt,
        },
      },
      {
        test: {
          name: 'conformance',
          // The whole upstream suite against the sim (README: the sim against the upstream suite).
          // It shares the go tier's Go caches and kept test binary; see suiteBuilt for its order.
          include: ['harness/**/*.conformance.test.ts'],
          sequence: { groupOrder: suiteBuilt ? 0 : 1 },
          testTimeout: 25 * 60_000,
          hookTimeout: 25 * 60_000,
          fileParallelism: suiteBuilt,
        },
      },
    ],
  },
});

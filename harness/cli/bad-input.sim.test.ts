import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { kindgateBin } from '../package-paths.ts';
import { builtinFixturesDir } from '../run/fixtures.ts';
import { checkRow, listTree, makeSandbox, runChild, type BadInputRow, type Sandbox } from './bad-input.test-helper.ts';
import { removeTempDirs } from './temp-dirs.test-helper.ts';

/**
 * The bad-input table, sim tier: rows where the process itself matters, run as real child
 * processes of `node scripts/kindgate.js` (a FIFO that would block an open, a device node, runs
 * started at the same time). The rows refused while arguments and files are read are in
 * bad-input.test.ts.
 */

const isRoot = process.getuid?.() === 0;
/** Tests that start several kindgate processes, each provisioning a simulated cluster: generous on a loaded machine. */
const HEAVY_MS = 180_000;
const up = (kubeconfig: (box: { inputs: string }) => string) => (box: { inputs: string }) => [
  'up',
  '--provider',
  'sim',
  '--kubeconfig',
  kubeconfig(box),
];

/**
 * A `docker` of the row's own on PATH (first, before node's directory): a dead engine, or one with
 * a stale kindgate cluster (the label kind puts on its nodes) and no relays. No `kind` on that PATH.
 */
function fakeDocker(state: 'dead' | 'stale cluster') {
  return (box: Sandbox) => {
    const bin = join(box.inputs, 'bin');
    mkdirSync(bin);
    const script =
      state === 'dead'
        ? 'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1'
        : 'case "$*" in info*) echo 27.0.0;; *io.x-k8s.kind.cluster*) echo kindgate-stale;; esac';
    writeFileSync(join(bin, 'docker'), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    box.env.PATH = `${bin}:${dirname(process.execPath)}`;
    // No network: every download goes through a proxy that refuses connections.
    Object.assign(box.env, {
      https_proxy: 'http://127.0.0.1:9',
      http_proxy: 'http://127.0.0.1:9',
      no_proxy: '',
      NO_PROXY: '',
    });
  };
}

const rows: BadInputRow[] = [
  {
    name: '--kubeconfig a FIFO (an open would block, and signals would not end it)',
    setup: (box) => execFileSync('mkfifo', [join(box.inputs, 'fifo')]),
    argv: up((box) => join(box.inputs, 'fifo')),
    code: 2,
    says: /--kubeconfig .*fifo is a FIFO, not a regular file/,
    check: (box) => expect(statSync(join(box.inputs, 'fifo')).isFIFO()).toBe(true),
  },

  // Defect 11: a Gateway whose class does not exist is said at once, with the class and the fix.
  {
    name: 'a Gateway whose gatewayClassName does not exist',
    setup: (box) => {
      cpSync(builtinFixturesDir, join(box.inputs, 'fixtures'), { recursive: true });
      const gateway = join(box.inputs, 'fixtures', '20-gateway.yaml');
      writeFileSync(gateway, readFileSync(gateway, 'utf8').replace('{{gatewayClassName}}', 'nope'));
    },
    argv: (box) => ['up', '--provider', 'sim', '--fixtures', join(box.inputs, 'fixtures'), '--gateway-timeout', '10'],
    code: 4,
    says: /Gateway kindgate-[0-9a-f]+-gateway\/external-gateway names gatewayClassName "nope", and the cluster has no GatewayClass nope \(the profile's class is istio\); set spec\.gatewayClassName to \{\{gatewayClassName\}\}/,
    check: (_box, outcome) => expect(outcome.stderr).not.toMatch(/after 10 s/),
  },

  // Defect 10: gc checks the engine first, lists without kind, downloads only to delete, says "no network" as exit 3.
  {
    name: 'gc --dry-run with a dead Docker',
    setup: fakeDocker('dead'),
    argv: ['gc', '--dry-run'],
    code: 3,
    says: 'No docker engine is running',
  },
  {
    name: 'gc with a dead Docker says so (not a download error)',
    setup: fakeDocker('dead'),
    argv: ['gc'],
    code: 3,
    says: 'No docker engine is running',
  },
  {
    name: 'gc --dry-run offline, no kind anywhere: lists through the engine, downloads and creates nothing',
    setup: fakeDocker('stale cluster'),
    argv: ['gc', '--dry-run'],
    code: 0,
    says: 'would delete kind cluster kindgate-stale',
  },
  {
    name: 'gc offline with a cluster to delete and no kind: exit 3, no network',
    setup: fakeDocker('stale cluster'),
    argv: ['gc'],
    code: 3,
    says: /kindgate gc needs kind to delete clusters; it is not on PATH nor in the cache, and https:\/\/kind\.sigs\.k8s\.io\/\S+ cannot be reached/,
  },
];

afterAll(removeTempDirs);

describe.concurrent('bad input, sim tier: child processes', () => {
  it.each(rows.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    await checkRow(row, (argv, box) => runChild(argv, box, 30_000));
  });

  it.skipIf(!isRoot)('--kubeconfig a device node is refused and the node stays (root only: mknod)', async () => {
    await checkRow(
      {
        name: '--kubeconfig a character device',
        setup: (box) => execFileSync('mknod', [join(box.inputs, 'mynull'), 'c', '1', '3']),
        argv: up((box) => join(box.inputs, 'mynull')),
        code: 2,
        says: /--kubeconfig .*mynull is a character device, not a regular file/,
        check: (box) => expect(statSync(join(box.inputs, 'mynull')).isCharacterDevice()).toBe(true),
      },
      (argv, box) => runChild(argv, box, 30_000),
    );
  });

  it(
    'two `up --kubeconfig same` started together: exactly one is accepted, every time (issue 9, defect 3)',
    async () => {
      // Four rounds, each two processes on a path of its own, side by side: each pair still races.
      const oneRound = async (round: number) => {
        const box = makeSandbox();
        const path = join(box.inputs, 'same.kc');
        const before = listTree(box.root);
        const start = () =>
          execa('node', [kindgateBin, 'up', '--provider', 'sim', '--kubeconfig', path], {
            reject: false,
            cwd: box.cwd,
            env: box.env,
            timeout: 60_000,
          });
        const runs = [start(), start()];
        try {
          const served = await Promise.race(
            runs.map(
              (run, i) =>
                new Promise<number>((resolve) =>
                  run.stdout!.on('data', (d: Buffer) => d.includes('GATEWAY_URL=') && resolve(i)),
                ),
            ),
          );
          const refused = await runs[1 - served];
          expect(refused.exitCode, `round ${round}: ${refused.stderr}`).toBe(2);
          expect(refused.stderr).toMatch(
            /--kubeconfig .*same\.kc (already exists and is not empty|is being written by another process)/,
          );
          expect(readFileSync(path, 'utf8')).toContain('kind: Config'); // the winner's file survived the loser
          runs[served].kill('SIGINT');
          expect((await runs[served]).exitCode).toBe(130);
          expect(existsSync(path)).toBe(false);
          expect(listTree(box.root)).toEqual(before);
        } finally {
          for (const run of runs) run.kill('SIGINT'); // a failed round leaves no `up` serving
        }
      };
      // A failed round is reported once every round is over (its processes sent SIGINT).
      const rounds = await Promise.allSettled([0, 1, 2, 3].map(oneRound));
      for (const r of rounds) if (r.status === 'rejected') throw r.reason;
    },
    HEAVY_MS,
  );

  it(
    'two `test` runs in one report dir: the second is refused while the first runs, whose reports are its own, 0600 in 0700 directories it made (issue 9, defects 4, 5)',
    async () => {
      const box = makeSandbox();
      // Neither the directory nor its parent exists: the first run makes both.
      const dir = join(box.inputs, 'fresh', 'reports');
      const test = () =>
        execa('node', [kindgateBin, 'test', '--provider', 'sim', '--suites', 'gateway', '--report-dir', dir], {
          reject: false,
          cwd: box.cwd,
          env: box.env,
          timeout: 120_000,
        });
      const first = test();
      await new Promise<void>((resolve) => {
        let seen = '';
        first.stderr!.on('data', (d: Buffer) => {
          seen += d.toString();
          if (seen.includes('simulated cluster started')) resolve();
        });
      });
      // Held still (its lock taken) while the second starts: a whole sim run is quicker than another
      // process's start-up on a loaded machine.
      first.kill('SIGSTOP');
      const second = await test().finally(() => first.kill('SIGCONT'));
      expect(second.exitCode, second.stderr).toBe(2);
      expect(second.stderr).toMatch(
        /--report-dir .*reports is being written by another kindgate run \(pid \d+\); wait for it to finish/,
      );
      const done = await first;
      expect(done.exitCode, done.stderr).toBe(0);
      expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toMatch(
        /<testsuites name="kindgate" tests="19" failures="0" errors="0" skipped="16"/,
      );
      expect(readdirSync(dir).sort()).toEqual(['conformance-report.yaml', 'junit.xml', 'timings.json']);
      expect(statSync(join(box.inputs, 'fresh')).mode & 0o777).toBe(0o700);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      for (const file of ['conformance-report.yaml', 'junit.xml', 'timings.json'])
        expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    },
    HEAVY_MS,
  );

  it(
    'a later passing run clears what an earlier run left, and its reports are 0600 (issue 9, defects 4, 5)',
    async () => {
      const box = makeSandbox();
      const dir = join(box.inputs, 'new', 'reports');
      mkdirSync(join(dir, 'diagnostics', 'apps'), { recursive: true });
      writeFileSync(join(dir, 'diagnostics', 'README.md'), '# kindgate diagnostics\n\nan earlier failure\n');
      writeFileSync(join(dir, 'diagnostics', 'apps', 'pods.yaml'), 'old');
      writeFileSync(
        join(dir, 'junit.xml'),
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="kindgate" tests="3">',
      );
      writeFileSync(join(dir, 'notes.txt'), "the user's");
      const passing = await runChild(
        ['test', '--provider', 'sim', '--suites', 'gateway', '--report-dir', dir],
        box,
        120_000,
      );
      expect(passing.code, passing.stderr).toBe(0);
      expect(readdirSync(dir).sort()).toEqual(['conformance-report.yaml', 'junit.xml', 'notes.txt', 'timings.json']);
      for (const file of ['conformance-report.yaml', 'junit.xml', 'timings.json'])
        expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
      // That a report directory the run makes (and its parent) is 0700: the test above, on its first run.
    },
    HEAVY_MS,
  );

  it(
    "a failing run's diagnostics hold no secret: the issue's API_TOKEN env value and x-api-key annotation (issue 9, defect 5)",
    async () => {
      const STRIPE = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
      const ANNOTATION = 'hunter2-not-random';
      const box = makeSandbox();
      const fixtures = join(box.inputs, 'fixtures');
      cpSync(builtinFixturesDir, fixtures, { recursive: true });
      const httpbin = join(fixtures, '10-httpbin.yaml');
      writeFileSync(
        httpbin,
        readFileSync(httpbin, 'utf8')
          .replace('  name: httpbin\n', `  name: httpbin\n  annotations:\n    x-api-key: ${ANNOTATION}\n`)
          .replace(
            '            - name: HTTPBIN_ENV_VERSION\n              value: v1\n',
            `            - name: HTTPBIN_ENV_VERSION\n              value: v1\n            - name: API_TOKEN\n              value: ${STRIPE}\n`,
          ),
      );
      const route = join(fixtures, '30-httproute.yaml');
      writeFileSync(route, readFileSync(route, 'utf8').replace('name: httpbin-v2', 'name: httpbin-v3'));
      const dir = join(box.inputs, 'reports');
      const args = [
        'test',
        '--provider',
        'sim',
        '--fixtures',
        fixtures,
        '--suites',
        'httproute',
        '--route-timeout',
        '2',
      ];
      const run = await runChild([...args, '--report-dir', dir], box, 120_000);
      expect(run.code, run.stderr).toBe(1);
      const deployments = readdirSync(join(dir, 'diagnostics'), { recursive: true }).map(String);
      const yaml = deployments.find((f) => f.endsWith('deployments.yaml'))!;
      expect(readFileSync(join(dir, 'diagnostics', yaml), 'utf8')).toMatch(
        /name: API_TOKEN\n\s+value: "?\[REDACTED\]"?/,
      );
      for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
        const path = join(entry.parentPath, entry.name);
        expect(statSync(path).mode & 0o777, path).toBe(entry.isDirectory() ? 0o700 : 0o600);
        if (entry.isFile()) expect(readFileSync(path, 'utf8'), path).not.toMatch(new RegExp(`${STRIPE}|${ANNOTATION}`));
      }
    },
    HEAVY_MS,
  );
});

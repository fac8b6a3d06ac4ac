import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { kindgateBin } from '../package-paths.ts';
import { makeSandbox, type Sandbox } from './bad-input.test-helper.ts';

/**
 * What each command loads, as users run it: `node scripts/kindgate.js …` with a module-load
 * observer (load-observer.test-helper.mjs) that lists every module the process loaded. A command
 * pays at start-up only for what it uses: a refused command line answers without the Kubernetes
 * client or vitest, `down` and `gc` load no Docker SDK, a `--dry-run` plan no cluster client, the
 * parent of `up --detach` (it only starts the background process) no Kubernetes client. The
 * control row shows the observer sees what a run that reaches a cluster loads.
 */

const observer = join(dirname(fileURLToPath(import.meta.url)), 'load-observer.test-helper.mjs');

const CLIENT = '@kubernetes/client-node';
const VITEST = 'vitest';
/** The Docker SDK (testcontainers brings dockerode, ssh2, grpc, protobufjs) and the download client. */
const DOCKER_AND_DOWNLOADS = ['testcontainers', 'dockerode', 'undici'];
const HEAVY = [CLIENT, VITEST, ...DOCKER_AND_DOWNLOADS];

interface Observed {
  code: number;
  stdout: string;
  stderr: string;
  /** Packages (node_modules/<name>) any module was loaded from. */
  packages: Set<string>;
  /** Every module loaded, as a path or file URL. */
  modules: string[];
}

async function observed(argv: string[], box: Sandbox): Promise<Observed> {
  const log = join(box.root, `loaded-${argv[0]}.txt`);
  const run = await execa('node', ['--import', observer, kindgateBin, ...argv], {
    reject: false,
    cwd: box.cwd,
    env: { ...box.env, KUBECONFIG: '', KINDGATE_DEBUG: '', KINDGATE_LOAD_LOG: log },
    timeout: 120_000,
  });
  const text = readFileSync(log, 'utf8');
  const packages = new Set([...text.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].map((m) => m[1]));
  rmSync(log);
  const modules = text.split('\n').filter(Boolean);
  return { code: run.exitCode ?? -1, stdout: String(run.stdout), stderr: String(run.stderr), packages, modules };
}

/** A `docker` on PATH that answers like an engine with one stale kindgate cluster; no network (downloads are refused). */
function engineWithStaleCluster(box: Sandbox): void {
  const bin = join(box.inputs, 'bin');
  mkdirSync(bin);
  const script = 'case "$*" in info*) echo 27.0.0;; *io.x-k8s.kind.cluster*) echo kindgate-stale;; esac';
  writeFileSync(join(bin, 'docker'), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  Object.assign(box.env, { PATH: `${bin}:${dirname(process.execPath)}`, https_proxy: 'http://127.0.0.1:9' });
}

interface Row {
  name: string;
  argv: string[];
  setup?: (box: Sandbox) => void;
  code: number;
  /** A fragment of what it prints (stdout and stderr). */
  says: string | RegExp;
  notLoaded: string[];
}

const rows: Row[] = [
  {
    name: 'test with an unknown flag',
    argv: ['test', '--provider', 'sim', '--bogus'],
    code: 2,
    says: "Unknown option '--bogus'",
    notLoaded: [...HEAVY, 'execa'],
  },
  {
    name: 'test with an unknown provider',
    argv: ['test', '--provider', 'bogus'],
    code: 2,
    says: '--provider must be one of kind, sim, existing, got "bogus"',
    notLoaded: [...HEAVY, 'execa'],
  },
  {
    name: 'test with a --fixtures directory that does not exist (refused once its options are read)',
    argv: ['test', '--provider', 'sim', '--fixtures', 'no-such-dir'],
    code: 2,
    says: /Fixture directory \S*\/no-such-dir does not exist/,
    notLoaded: [VITEST, ...DOCKER_AND_DOWNLOADS],
  },
  {
    name: 'down --all with nothing recorded',
    argv: ['down', '--all'],
    code: 0,
    says: 'nothing to remove',
    notLoaded: [...HEAVY, 'execa'],
  },
  {
    name: 'gc --dry-run (lists through the engine)',
    argv: ['gc', '--dry-run'],
    setup: engineWithStaleCluster,
    code: 0,
    says: 'would delete kind cluster kindgate-stale',
    notLoaded: HEAVY,
  },
  {
    name: 'test --provider kind --dry-run (prints the plan)',
    argv: ['test', '--provider', 'kind', '--dry-run'],
    code: 0,
    says: 'server-side apply (field manager kindgate)',
    notLoaded: HEAVY,
  },
];

describe.concurrent('kindgate start-up: each command loads what it uses', { timeout: 180_000 }, () => {
  it.each(rows.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const box = makeSandbox();
    row.setup?.(box);
    const run = await observed(row.argv, box);
    const context = `${row.name}\nstderr:\n${run.stderr}`;
    expect(run.code, context).toBe(row.code);
    if (typeof row.says === 'string') expect(run.stdout + run.stderr, context).toContain(row.says);
    else expect(run.stdout + run.stderr, context).toMatch(row.says);
    expect(
      row.notLoaded.filter((name) => run.packages.has(name)),
      context,
    ).toEqual([]);
    rmSync(box.root, { recursive: true, force: true });
  });

  it('control: a run that reaches a cluster loads the Kubernetes client and vitest (the observer sees them)', async () => {
    const box = makeSandbox();
    const run = await observed(
      ['test', '--provider', 'sim', '--suites', 'gateway', '--report-dir', join(box.root, 'reports')],
      box,
    );
    expect(run.code, run.stderr).toBe(0);
    expect([CLIENT, VITEST].filter((name) => run.packages.has(name))).toEqual([CLIENT, VITEST]);
    // The compiled harness (scripts/compiled-harness.js): no tsx, no TypeScript source of kindgate's.
    expect(run.packages.has('tsx')).toBe(false);
    expect(run.modules.filter((url) => url.endsWith('.ts'))).toEqual([]);
    expect(run.modules.some((url) => /kindgate-harness-\d+\/[0-9a-f]{64}\/harness\/cli\/main\.js$/.test(url))).toBe(
      true,
    );
    rmSync(box.root, { recursive: true, force: true });
  });

  it('--verbose (stack traces asked for) loads the TypeScript sources through tsx, so a trace names their lines', async () => {
    const box = makeSandbox();
    const run = await observed(['test', '--help', '--verbose'], box);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Usage: kindgate test [options]');
    expect(run.packages.has('tsx')).toBe(true);
    expect(run.modules.some((url) => url.endsWith('/harness/cli/main.ts'))).toBe(true);
    rmSync(box.root, { recursive: true, force: true });
  });

  it('up --provider sim --detach: the parent only starts the background process; down stops it without a Docker SDK', async () => {
    const box = makeSandbox();
    try {
      const up = await observed(['up', '--provider', 'sim', '--detach', '--name', 'start-up'], box);
      expect(up.code, up.stderr).toBe(0);
      expect(up.stdout).toMatch(/^KUBECONFIG=/);
      expect(HEAVY.filter((name) => up.packages.has(name))).toEqual([]);
      const down = await observed(['down', '--all'], box);
      expect(down.code, down.stderr).toBe(0);
      expect(down.stderr).toContain('start-up stopped');
      expect([...HEAVY, 'execa'].filter((name) => down.packages.has(name))).toEqual([]);
    } finally {
      // Whatever failed above, the background process goes (its record names it).
      await execa('node', [kindgateBin, 'down', '--all'], { reject: false, env: { ...box.env } });
      rmSync(box.root, { recursive: true, force: true });
    }
  });
});

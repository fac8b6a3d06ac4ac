import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { kindgateBin, packageRoot } from '../package-paths.ts';
import { builtinFixturesDir } from '../run/fixtures.ts';
import {
  eventually,
  junitCases,
  leftInTmpdir,
  privateTmpdir,
  processesWith,
  STACK_LINE,
} from './lifecycle.test-helper.ts';
import { removeTempDirs, tempDir } from './temp-dirs.test-helper.ts';

/**
 * How a run ends when it is not allowed to finish: signals, a closed stdout, an abandoning parent.
 * Every run here has a TMPDIR of its own and must leave it as it found it (tsx's cache aside).
 */

const newKubeconfigPath = () => join(tempDir('kg-life-'), 'kubeconfig');
const reportDir = () => tempDir('kg-life-reports-');

/** Resolves once `text` shows up on the stream. */
function shows(stream: NodeJS.ReadableStream, text: string | RegExp): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    stream.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (typeof text === 'string' ? seen.includes(text) : text.test(seen)) resolve();
    });
  });
}

function startUp(kubeconfig: string, tmp: string): ResultPromise<{ reject: false }> {
  return execa('node', [kindgateBin, 'up', '--provider', 'sim', '--kubeconfig', kubeconfig], {
    reject: false,
    env: { NO_COLOR: '1', TMPDIR: tmp },
  }) as ResultPromise<{ reject: false }>;
}

/**
 * The built-in fixtures without the httpbin-v2 Service (renamed): the troubleshooting cases before
 * the weighted-backends ones pass, and those wait for a route to v2 that never resolves.
 */
function fixturesWithoutV2Service(): string {
  const dir = tempDir('kg-life-fixtures-');
  cpSync(builtinFixturesDir, dir, { recursive: true });
  const file = join(dir, '10-httpbin.yaml');
  const text = readFileSync(file, 'utf8');
  const service = text.indexOf('name: httpbin-v2', text.indexOf('kind: Service', text.indexOf('name: httpbin-v2')));
  writeFileSync(
    file,
    `${text.slice(0, service)}name: httpbin-v2-elsewhere${text.slice(service + 'name: httpbin-v2'.length)}`,
  );
  return dir;
}

afterAll(removeTempDirs);

// Each test starts kindgate (and vitest inside it) more than once: on a loaded CI machine 60 s is tight.
describe.concurrent('a run that cannot finish still tears down and leaves nothing', { timeout: 180_000 }, () => {
  it('SIGHUP (a closed terminal) tears `up` down: exit 129, kubeconfig removed, no temporary files', async () => {
    const kubeconfig = newKubeconfigPath();
    const tmp = privateTmpdir();
    const up = startUp(kubeconfig, tmp);
    await shows(up.stdout!, 'GATEWAY_URL=');
    up.kill('SIGHUP');
    const done = await up;
    expect(done.exitCode).toBe(129);
    expect(done.stderr).toMatch(/SIGHUP received: tearing down[\s\S]*✓ teardown done/);
    expect(existsSync(kubeconfig)).toBe(false);
    expect(leftInTmpdir(tmp)).toEqual([]);
  });

  it('`up | true`: the closed stdout tears it down (exit 141) without a stack trace, leaving nothing', async () => {
    const kubeconfig = newKubeconfigPath();
    const tmp = privateTmpdir();
    const run = await execa(
      'bash',
      [
        '-c',
        'node "$0" up --provider sim --kubeconfig "$1" | true; echo "status ${PIPESTATUS[0]}"',
        kindgateBin,
        kubeconfig,
      ],
      { reject: false, env: { NO_COLOR: '1', TMPDIR: tmp }, timeout: 90_000 },
    );
    expect(run.stdout.trim()).toBe('status 141');
    expect(run.stderr).toMatch(/stdout was closed: tearing down[\s\S]*✓ teardown done/);
    expect(run.stderr).not.toMatch(/EPIPE|STACK/);
    expect(run.stderr).not.toMatch(STACK_LINE);
    expect(existsSync(kubeconfig)).toBe(false);
    expect(leftInTmpdir(tmp)).toEqual([]);
  });

  it('`test 2>&1 | head -1`: output stops, the run goes on to its reports and exit code, leaving nothing', async () => {
    const tmp = privateTmpdir();
    const dir = reportDir();
    const run = await execa(
      'bash',
      [
        '-c',
        'node "$0" test --provider sim --report-dir "$1" 2>&1 | head -1; echo "status ${PIPESTATUS[0]}"',
        kindgateBin,
        dir,
      ],
      { reject: false, env: { NO_COLOR: '1', TMPDIR: tmp }, timeout: 120_000 },
    );
    expect(run.stdout.trim().split('\n')).toEqual([expect.stringMatching(/\S/), 'status 0']);
    expect(junitCases(dir)).toHaveLength(19);
    expect(junitCases(dir).every((c) => c.outcome === 'passed')).toBe(true);
    expect(leftInTmpdir(tmp)).toEqual([]);
  });

  it('Ctrl-C mid-suite: exit 130 after the teardown, JUnit and the report say which tests finished and which were interrupted', async () => {
    const tmp = privateTmpdir();
    const dir = reportDir();
    // Two passes, in order: the gateway suite, then troubleshooting one case file after another.
    const fixtures = fixturesWithoutV2Service();
    const args = ['test', '--provider', 'sim', '--fixtures', fixtures, '--suites', 'gateway,troubleshooting'];
    const run = execa('node', [kindgateBin, ...args, '--route-timeout', '300', '--report-dir', dir], {
      reject: false,
      env: { NO_COLOR: '1', TMPDIR: tmp },
    });
    await shows(run.stderr!, /✓ troubleshooting › observedGeneration[^\n]*\n/);
    run.kill('SIGINT');
    const done = await run;
    expect(done.exitCode).toBe(130);
    expect(done.stderr).toMatch(
      /SIGINT received: tearing down[\s\S]*Interrupted \(did not finish\)[\s\S]*✓ teardown done/,
    );
    expect(done.stderr).not.toMatch(STACK_LINE);
    const outcomes = (classname: string) =>
      junitCases(dir)
        .filter((c) => c.classname === classname)
        .map((c) => c.outcome);
    expect(outcomes('kindgate.gateway')).toEqual(['passed', 'passed', 'passed']);
    expect(outcomes('kindgate.troubleshooting')).toEqual([
      ...Array(8).fill('passed'),
      'interrupted (SIGINT) before it finished',
      'interrupted (SIGINT) before it finished',
    ]);
    expect(junitCases(dir).find((c) => c.outcome.startsWith('interrupted'))?.name).toBe(
      'equal weights send requests to both backends',
    );
    const report = parseYaml(readFileSync(join(dir, 'conformance-report.yaml'), 'utf8'));
    expect(report.profiles[0].summary).toMatch(/The run was interrupted: 2 tests did not finish/);
    expect(leftInTmpdir(tmp)).toEqual([]);
  });

  it.each(['SIGTERM', 'SIGHUP'] as const)(
    'killing the `npx kindgate up` wrapper with %s leaves no kindgate process and no kubeconfig within 15 s',
    async (signal) => {
      const kubeconfig = newKubeconfigPath();
      const tmp = privateTmpdir();
      // npx resolves the package's own bin (this checkout) and runs it under `sh -c`.
      const npx = execa('npx', ['kindgate', 'up', '--provider', 'sim', '--kubeconfig', kubeconfig], {
        reject: false,
        cwd: packageRoot,
        env: { NO_COLOR: '1', TMPDIR: tmp },
      });
      await shows(npx.stdout!, 'GATEWAY_URL=');
      expect(processesWith(kubeconfig).length).toBeGreaterThan(0);
      npx.kill(signal);
      await npx;
      const gone = await eventually(() => processesWith(kubeconfig).length === 0 && !existsSync(kubeconfig), 15_000);
      expect(gone, `left: pids ${processesWith(kubeconfig).join(', ')}, kubeconfig ${existsSync(kubeconfig)}`).toBe(
        true,
      );
      expect(leftInTmpdir(tmp)).toEqual([]);
    },
    120_000,
  );
});

import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinFixturesDir } from '../run/fixtures.ts';
import { kindgateBin } from '../package-paths.ts';
import { parseXml, type XmlElement } from '../reports/xml-parse.test-helper.ts';
import type { CheckTiming, TimingEntry } from '../reports/timings.ts';
import { removeTempDirs, tempDir } from './temp-dirs.test-helper.ts';

/** The real CLI, as a user runs it. */
const kindgate = (args: string[]) =>
  execa('node', [kindgateBin, ...args], {
    reject: false,
    cwd: tempDir('kg-cwd-'),
    env: { NO_COLOR: '1' },
    timeout: 120_000,
  });

/** A copy of the built-in fixtures whose `x-version: v2` rule sends traffic to httpbin (v1). */
function v2RuleToV1(): string {
  const dir = tempDir('kg-wrong-backend-');
  cpSync(builtinFixturesDir, dir, { recursive: true });
  const route = join(dir, '30-httproute.yaml');
  const text = readFileSync(route, 'utf8');
  expect(text).toContain('- name: httpbin-v2');
  writeFileSync(route, text.replace('- name: httpbin-v2', '- name: httpbin'));
  return dir;
}

const property = (testcase: XmlElement, name: string) =>
  testcase.children.find((c) => c.name === 'properties')?.children.find((p) => p.attrs.name === name)?.attrs.value;

afterAll(removeTempDirs);

// Each test is its own child process: run them side by side.
// (The green run's timings.json is checked in cli.sim.test.ts, on the green run the tests there share.)
describe.concurrent('kindgate test explains its run: phase timings and how each check converged', () => {
  it('a route to v1 where the suite expects v2 fails as wrong-backend in the console, JUnit and timings.json; --compare only informs', async () => {
    const dir = tempDir('kg-reports-');
    const earlier = tempDir('kg-earlier-');
    const quick: TimingEntry[] = [{ phase: 'suites', startedAt: new Date().toISOString(), durationMs: 1 }];
    writeFileSync(join(earlier, 'timings.json'), JSON.stringify(quick));
    const run = await kindgate([
      'test',
      '--provider',
      'sim',
      '--fixtures',
      v2RuleToV1(),
      '--suites',
      'header-routing',
      '--consistency-window',
      '2',
      '--report-dir',
      dir,
      '--compare',
      earlier,
    ]);
    const classified = /wrong-backend: 0 of (\d+) answers matched; last non-matching: 200 from HTTPBIN_ENV_VERSION=v1/;
    expect(run.exitCode, run.stderr).toBe(1);
    // Under the failed test as it finishes, and again in the summary.
    expect(run.stderr).toMatch(
      new RegExp(
        `✗ header-routing › x-version: v2 routes /env to v2.*\\n.*did not give 3 consecutive.*\\n\\s+${classified.source}`,
      ),
    );
    expect(run.stderr).toMatch(
      new RegExp(`Failed:\\n.*x-version: v2 routes /env to v2\\n.*\\n\\s+${classified.source}`),
    );
    // Which three depends on the machine's load; the failing check's 2 s window puts the suites among them.
    expect(run.stderr).toMatch(/Slowest phases:\n( {2}\S.* {2,}\d+\.\d s\n){3}/);
    expect(run.stderr.slice(run.stderr.indexOf('Slowest phases:')).split('\n').slice(1, 4).join('\n')).toContain(
      'suites',
    );
    // --compare prints what got slower, after the run; the exit code is the run's.
    expect(run.stderr).toMatch(
      /Slower than in .*timings\.json \(more than 50 % and 2 s\):\n {2}suites +0\.0 s → \d+\.\d s/,
    );

    const junit = parseXml(readFileSync(join(dir, 'junit.xml'), 'utf8'));
    const cases = junit.children.flatMap((s) => s.children);
    const wrong = cases.find((c) => c.attrs.name === 'x-version: v2 routes /env to v2')!;
    const failure = wrong.children.find((c) => c.name === 'failure')!;
    expect(failure.attrs.message).toMatch(classified);
    expect(failure.text).toMatch(
      new RegExp(`^${classified.source}\\n+ProbeTimeoutError: GET http://.* did not give 3 consecutive`),
    );
    expect(property(wrong, 'check.1.outcome')).toBe('wrong-backend');
    expect(property(wrong, 'check.1')).toMatch(
      /^GET http:\/\/127(\.\d+){3}:\d+\/env \(Host: httpbin\.example\.com, x-version: v2\)$/,
    );
    expect(Number(property(wrong, 'check.1.attempts'))).toBeGreaterThan(1);
    expect(property(wrong, 'check.1.nonMatching')).toMatch(/^200 from HTTPBIN_ENV_VERSION=v1 ×\d+$/);
    // The checks that held carry their convergence too.
    const v1 = cases.find((c) => c.attrs.name === 'without x-version /env is served by v1')!;
    expect(property(v1, 'check.1.outcome')).toBe('converged');
    expect(Number(property(v1, 'check.1.consistentMs'))).toBeGreaterThanOrEqual(0);

    const timings = JSON.parse(readFileSync(join(dir, 'timings.json'), 'utf8')) as TimingEntry[];
    const checks = timings.filter((e): e is CheckTiming => e.phase === 'check');
    const failed = checks.find((c) => c.test === 'header-routing › x-version: v2 routes /env to v2')!;
    expect(failed.failed).toBe(true);
    expect(failed.check).toMatchObject({ kind: 'http', outcome: 'wrong-backend', matched: 0, required: 3 });
    expect(failed.check.nonMatching[0]).toMatchObject({
      answer: '200 from HTTPBIN_ENV_VERSION=v1',
      wrongBackend: true,
    });
  });

  it('--compare with a directory that has no timings.json is a usage error before anything runs', async () => {
    const empty = tempDir('kg-no-timings-');
    const run = await kindgate(['test', '--provider', 'sim', '--compare', empty]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      `kindgate: --compare: ${join(empty, 'timings.json')} does not exist; pass the report directory of an earlier kindgate test run (it writes timings.json).`,
    );
  });
});

// The `npm test` figure of `npm run bench`: one whole run of every vitest project, its wall time,
// the CPU it used (every process it started, summed by the kernel) and where the wall went (the
// slowest files, from vitest's JSON report). Figures only: the target (issue 12) is under 45 s
// wall on a 2-core machine with warm Go caches.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export interface TestRunCost {
  wallMs: number;
  /** CPU of the run's whole process tree (user + system), from the kernel's waited-for children totals. */
  cpuMs: number;
  exitCode: number;
  tests: { passed: number; failed: number; skipped: number };
  slowestFiles: { file: string; ms: number }[];
}

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  testResults: { name: string; startTime: number; endTime: number }[];
}

/** Clock ticks of children that were waited for (Linux /proc; undefined elsewhere). */
function childrenCpuTicks(): number | undefined {
  try {
    // Fields after the command name (which may hold spaces) start at "state"; cutime and cstime are fields 16 and 17.
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[13]) + Number(fields[14]);
  } catch {
    return undefined;
  }
}

/** Linux's USER_HZ: 100 on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** Run `vitest run` (all projects, as `npm test` does) in `cwd` once and measure it. */
export function measureTestRun(cwd: string, topFiles = 5): TestRunCost {
  const out = mkdtempSync(join(tmpdir(), 'kg-bench-tests-'));
  try {
    const report = join(out, 'vitest.json');
    const ticksBefore = childrenCpuTicks();
    const start = performance.now();
    const run = spawnSync('npx', ['vitest', 'run', '--reporter=json', `--outputFile=${report}`], {
      cwd,
      stdio: 'ignore',
      env: { ...process.env, TESTCONTAINERS_RYUK_DISABLED: 'true' },
    });
    const wallMs = performance.now() - start;
    const ticksAfter = childrenCpuTicks();
    const json = JSON.parse(readFileSync(report, 'utf8')) as VitestJson;
    const slowestFiles = json.testResults
      .map((f) => ({ file: relative(cwd, f.name), ms: f.endTime - f.startTime }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, topFiles);
    return {
      wallMs,
      cpuMs:
        ticksBefore === undefined || ticksAfter === undefined
          ? Number.NaN
          : ((ticksAfter - ticksBefore) * 1000) / TICKS_PER_SECOND,
      exitCode: run.status ?? 1,
      tests: { passed: json.numPassedTests, failed: json.numFailedTests, skipped: json.numPendingTests },
      slowestFiles,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

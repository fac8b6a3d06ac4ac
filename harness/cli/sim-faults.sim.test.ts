import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { kindgateBin } from '../package-paths.ts';
import { junitCases } from './lifecycle.test-helper.ts';
import { removeTempDirs, tempDir } from './temp-dirs.test-helper.ts';

// The harness survives what a real cluster throws at it: every suite passes against a sim that
// answers a tenth of the API requests 429/503/500, drops every watch after 2 s and answers each
// route's first 3 requests 503. A new seed each run (printed on failure, --sim-seed repeats it).
afterAll(removeTempDirs);

describe('kindgate test against a faulty sim', () => {
  it('passes every suite with api-errors=0.1, watch-drop=2, dataplane-503=3', async () => {
    const seed = 1 + Math.floor(Math.random() * 100_000);
    const dir = tempDir('kg-faults-reports-');
    const faults = 'api-errors=0.1,watch-drop=2,dataplane-503=3';
    const run = await execa(
      'node',
      [
        kindgateBin,
        'test',
        '--provider',
        'sim',
        '--sim-faults',
        faults,
        '--sim-seed',
        String(seed),
        '--report-dir',
        dir,
      ],
      { reject: false, env: { NO_COLOR: '1' }, timeout: 150_000 },
    );
    expect(run.exitCode, `seed ${seed}:\n${run.stderr}`).toBe(0);
    expect(run.stderr).toContain(`sim faults: ${faults} (seed ${seed}; --sim-seed ${seed} repeats the draws)`);
    expect(run.stderr).toMatch(/total\s+19\s+0\s+0/);
    expect(junitCases(dir).filter((c) => c.outcome === 'passed')).toHaveLength(19);
  }, 180_000);
});

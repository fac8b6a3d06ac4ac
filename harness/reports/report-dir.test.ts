import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { claimReportDir, REPORT_DIR_LOCK } from './report-dir.ts';

const base = () => mkdtempSync(join(tmpdir(), 'kg-rd-'));

function refusal(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
}

/** A pid that is certainly not running: a child that has exited. */
function deadPid(): number {
  return Number(execFileSync('sh', ['-c', 'echo $$']).toString().trim());
}

describe('--report-dir claims (issue 9, defect 4)', () => {
  it('creates missing levels 0700, and at release removes the lock and the levels it created when nothing was written', () => {
    const root = base();
    const dir = join(root, 'a', 'reports');
    const claim = claimReportDir(dir);
    expect(statSync(join(root, 'a')).mode & 0o777).toBe(0o700);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(existsSync(join(dir, REPORT_DIR_LOCK))).toBe(true);
    claim.release();
    expect(readdirSync(root)).toEqual([]);
  });

  it("keeps a directory the user made as it is (mode included), and the run's reports in it", () => {
    const dir = base();
    chmodSync(dir, 0o755);
    const claim = claimReportDir(dir);
    writeFileSync(join(dir, 'junit.xml'), '<testsuites/>');
    claim.release();
    expect(statSync(dir).mode & 0o777).toBe(0o755);
    expect(readdirSync(dir)).toEqual(['junit.xml']);
  });

  it('refuses a report dir another live run is writing', () => {
    const dir = base();
    const first = claimReportDir(dir);
    expect(refusal(() => claimReportDir(dir))).toBe(
      `--report-dir ${dir} is being written by another kindgate run (pid ${process.pid}); ` +
        'wait for it to finish, or pass another --report-dir.',
    );
    first.release();
    claimReportDir(dir).release();
  });

  it('takes over the lock of a run that is gone', () => {
    const dir = base();
    writeFileSync(join(dir, REPORT_DIR_LOCK), JSON.stringify({ pid: deadPid(), host: hostname() }));
    const claim = claimReportDir(dir);
    expect(JSON.parse(readFileSync(join(dir, REPORT_DIR_LOCK), 'utf8')).pid).toBe(process.pid);
    claim.release();
    expect(existsSync(join(dir, REPORT_DIR_LOCK))).toBe(false);
  });

  it('clears what a previous run left, and nothing else; a diagnostics/ kindgate did not write is refused', () => {
    const dir = base();
    writeFileSync(
      join(dir, 'junit.xml'),
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="kindgate" tests="3">',
    );
    writeFileSync(
      join(dir, 'conformance-report.yaml'),
      'apiVersion: gateway.networking.k8s.io/v1\nkind: ConformanceReport\n',
    );
    mkdirSync(join(dir, 'diagnostics', 'apps'), { recursive: true });
    writeFileSync(join(dir, 'diagnostics', 'README.md'), '# kindgate diagnostics\n\nold\n');
    writeFileSync(join(dir, 'diagnostics', 'apps', 'pods.yaml'), 'old');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    claimReportDir(dir).release();
    expect(readdirSync(dir)).toEqual(['notes.txt']);

    mkdirSync(join(dir, 'diagnostics'));
    writeFileSync(join(dir, 'diagnostics', 'mine.txt'), 'not kindgate');
    expect(refusal(() => claimReportDir(dir))).toBe(
      `--report-dir ${dir} holds a diagnostics/ directory kindgate did not write; move it, or pass another --report-dir.`,
    );
    expect(readFileSync(join(dir, 'diagnostics', 'mine.txt'), 'utf8')).toBe('not kindgate');
    expect(existsSync(join(dir, REPORT_DIR_LOCK))).toBe(false);
  });

  it('a junit.xml another tool wrote (--report-dir . in a project, say) is refused and kept', () => {
    const dir = base();
    writeFileSync(join(dir, 'junit.xml'), '<?xml version="1.0"?>\n<testsuites name="jest">');
    writeFileSync(
      join(dir, 'conformance-report.yaml'),
      'apiVersion: gateway.networking.k8s.io/v1\nkind: ConformanceReport\n',
    );
    expect(refusal(() => claimReportDir(dir))).toBe(
      `--report-dir ${dir} holds a junit.xml kindgate did not write; move it, or pass another --report-dir.`,
    );
    expect(readdirSync(dir).sort()).toEqual(['conformance-report.yaml', 'junit.xml']);
  });

  it('refuses a path that is a file or cannot be created, naming the flag', () => {
    const file = join(base(), 'f');
    writeFileSync(file, '');
    expect(refusal(() => claimReportDir(file))).toMatch(
      /--report-dir .*f cannot be created or written \(not a directory\)/,
    );
    expect(refusal(() => claimReportDir(join(file, 'sub')))).toMatch(
      /--report-dir .*f\/sub cannot be created or written \(ENOTDIR\)/,
    );
  });
});

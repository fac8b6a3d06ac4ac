import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { creatableDirProblem, ensureWritableDir } from './writable-dir.ts';

describe('ensureWritableDir', () => {
  it('creates missing levels', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'kg-wd-')), 'a', 'b');
    ensureWritableDir(dir, '--report-dir');
    expect(statSync(dir).isDirectory()).toBe(true);
  });

  it('refuses a path that is a file, or cannot be created, with a usage error naming the flag', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kg-wd-')), 'f');
    writeFileSync(file, '');
    expect(() => ensureWritableDir(file, '--report-dir')).toThrowError(UsageError);
    expect(() => ensureWritableDir(join(file, 'sub'), '--report-dir')).toThrowError(
      /--report-dir .*f\/sub cannot be created or written \(ENOTDIR\)/,
    );
    // Under /proc, Node's recursive mkdir never returns; this must answer at once.
    if (process.platform === 'linux')
      expect(() => ensureWritableDir('/proc/kindgate-nope/x', '--report-dir')).toThrowError(
        /cannot be created or written/,
      );
  });

  it('creatableDirProblem says why a directory could not be made, and makes nothing', () => {
    const root = mkdtempSync(join(tmpdir(), 'kg-wd-'));
    expect(creatableDirProblem(join(root, 'a', 'b'))).toBeUndefined();
    expect(existsSync(join(root, 'a'))).toBe(false);
    writeFileSync(join(root, 'f'), '');
    expect(creatableDirProblem(join(root, 'f'))).toBe('not a directory');
    expect(creatableDirProblem(join(root, 'f', 'cache', 'kindgate'))).toBe('ENOTDIR');
  });
});

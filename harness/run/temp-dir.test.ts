import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeRunTempDir, useRunTempDir } from './temp-dir.ts';

describe('the run temporary directory', () => {
  const saved = { TMPDIR: process.env.TMPDIR, TMP: process.env.TMP, TEMP: process.env.TEMP };
  let base: string;

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'kg-tempdir-test-'));
    process.env.TMPDIR = base;
  });

  afterEach(() => {
    removeRunTempDir();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(base, { recursive: true, force: true });
  });

  it('points TMPDIR (and TMP, TEMP) into a kindgate-run-* directory under the user’s, once', () => {
    const dir = useRunTempDir();
    expect(dirname(dir)).toBe(base);
    expect(dir).toMatch(/kindgate-run-[^/]+$/);
    expect(tmpdir()).toBe(dir);
    expect([process.env.TMP, process.env.TEMP]).toEqual([dir, dir]);
    expect(useRunTempDir()).toBe(dir);
  });

  it('removes it with everything created inside, and gives TMPDIR, TMP and TEMP back as they were', () => {
    delete process.env.TMP;
    process.env.TEMP = '/somewhere';
    const dir = useRunTempDir();
    const inside = mkdtempSync(join(tmpdir(), 'vitest-like-'));
    writeFileSync(join(inside, 'module.js'), 'x');
    removeRunTempDir();
    expect(existsSync(dir)).toBe(false);
    expect(tmpdir()).toBe(base);
    expect('TMP' in process.env).toBe(false);
    expect(process.env.TEMP).toBe('/somewhere');
  });

  it('is removed when the process exits', () => {
    const dir = useRunTempDir();
    const onExit = process.listeners('exit').find((listener) => listener === removeRunTempDir);
    expect(onExit).toBeDefined();
    onExit!.call(process, 0); // as the exit event would (emitting it would run vitest's own listeners too)
    expect(existsSync(dir)).toBe(false);
    expect(process.listeners('exit')).not.toContain(removeRunTempDir);
  });
});

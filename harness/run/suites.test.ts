import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../log.ts';
import { runOrder, suiteSelection, transformCache } from './suites.ts';

describe('suite files', () => {
  it('runs every suite file, the catalog check (a unit test) left out', () => {
    expect(suiteSelection()).toEqual({ include: ['suites/**/*.test.ts'], exclude: ['suites/**/*.unit.test.ts'] });
  });

  it('runs only the chosen suites', () => {
    expect(suiteSelection(['routing', 'gateway'])).toEqual({
      include: ['suites/routing.test.ts', 'suites/gateway-status.test.ts'],
      exclude: [],
    });
    expect(suiteSelection(['troubleshooting'])).toEqual({ include: ['suites/troubleshooting/*.test.ts'], exclude: [] });
  });

  it('runs troubleshooting last (it attaches extra routes to the fixture Gateway), its case files in name order', () => {
    const files = [
      '/pkg/suites/troubleshooting/20-no-matching-parent.test.ts',
      '/pkg/suites/routing.test.ts',
      '/pkg/suites/troubleshooting/10-not-allowed-by-listeners.test.ts',
      '/pkg/suites/gateway-status.test.ts',
      '/pkg/suites/header-routing.test.ts',
    ];
    expect([...files].sort(runOrder)).toEqual([
      '/pkg/suites/gateway-status.test.ts',
      '/pkg/suites/header-routing.test.ts',
      '/pkg/suites/routing.test.ts',
      '/pkg/suites/troubleshooting/10-not-allowed-by-listeners.test.ts',
      '/pkg/suites/troubleshooting/20-no-matching-parent.test.ts',
    ]);
  });
});

describe("vitest's module cache for the suites", () => {
  it('is kept per build of the compiled harness; caches of builds unused for a week go, others stay', () => {
    const cache = mkdtempSync(join(tmpdir(), 'kg-suite-cache-'));
    try {
      const parent = join(cache, 'vitest');
      const old = join(parent, 'compiled-old');
      const recent = join(parent, 'compiled-recent');
      for (const dir of [old, recent]) mkdirSync(dir, { recursive: true });
      const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600_000);
      utimesSync(old, eightDaysAgo, eightDaysAgo);

      const options = transformCache(cache, '/tmp/kindgate-harness-0/abc', createMemoryLogger());
      expect(options).toEqual({
        experimental: { fsModuleCache: true, fsModuleCachePath: join(parent, 'compiled-abc') },
      });
      expect(readdirSync(parent).sort()).toEqual(['compiled-abc', 'compiled-recent']);
      // Without a build (the sources through tsx): vitest's own keys, in the directory itself.
      expect(transformCache(cache, undefined, createMemoryLogger())).toEqual({
        experimental: { fsModuleCache: true, fsModuleCachePath: parent },
      });
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});

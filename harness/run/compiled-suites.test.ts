import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../package-paths.ts';
import { compiledCopy, compiledSuiteOptions } from './compiled-suites.ts';

const cache = mkdtempSync(join(tmpdir(), 'kg-compiled-suites-'));
const build = join(cache, 'a'.repeat(64));
for (const file of ['harness/kube/client.js', 'suites/context.js']) {
  mkdirSync(dirname(join(build, file)), { recursive: true });
  writeFileSync(join(build, file), '');
}
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe('the suites worker and the compiled harness', () => {
  it('maps a harness or suites module to its compiled copy, never a test file, a file outside the package or a missing copy', () => {
    expect(compiledCopy(build, join(packageRoot, 'harness/kube/client.ts'))).toBe(
      join(build, 'harness/kube/client.js'),
    );
    expect(compiledCopy(build, join(packageRoot, 'suites/context.ts'))).toBe(join(build, 'suites/context.js'));
    expect(compiledCopy(build, join(packageRoot, 'suites/routing.test.ts'))).toBeUndefined();
    expect(compiledCopy(build, join(packageRoot, 'harness/kube/wait.test-helper.ts'))).toBeUndefined();
    expect(compiledCopy(build, join(packageRoot, 'harness/kube/wait.ts'))).toBeUndefined(); // no copy in this build
    expect(compiledCopy(build, '/elsewhere/harness/kube/client.ts')).toBeUndefined();
  });

  it('without a build (the sources through tsx) changes nothing', () => {
    expect(compiledSuiteOptions(undefined)).toEqual({ test: {}, vite: {} });
  });

  it("with a build: a suite's relative import resolves to the copy, loaded natively with everything in the cache (the client bundle too)", () => {
    const options = compiledSuiteOptions(build) as {
      test: { server: { deps: { external: RegExp[] } } };
      vite: { plugins: { resolveId(id: string, importer?: string): string | null }[] };
    };
    const [external] = options.test.server.deps.external;
    expect(external.test(join(build, 'harness/kube/client.js'))).toBe(true);
    expect(external.test(join(cache, 'client-0123/node_modules/@kubernetes/client-node/bundle.js'))).toBe(true);
    expect(external.test(join(packageRoot, 'suites/routing.test.ts'))).toBe(false);
    const [plugin] = options.vite.plugins;
    const suite = join(packageRoot, 'suites/routing.test.ts');
    expect(plugin.resolveId('./context.ts', suite)).toBe(join(build, 'suites/context.js'));
    expect(plugin.resolveId('../harness/kube/client.ts', suite)).toBe(join(build, 'harness/kube/client.js'));
    expect(plugin.resolveId('vitest', suite)).toBeNull();
    expect(plugin.resolveId('./context.ts')).toBeNull();
  });
});

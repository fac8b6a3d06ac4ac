import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { packageRoot } from '../package-paths.ts';

/**
 * When this process runs the compiled harness (scripts/compiled-harness.js), the suites' vitest
 * worker loads it too: each harness module a suite imports resolves to its compiled copy, which
 * the worker imports natively instead of asking vite for a transform of the TypeScript source
 * (one round trip to this process per module, for ~150 modules). The suites' own files stay with
 * vite: vitest's test API needs it for them.
 */

/** Set by the launcher (scripts/kindgate.js) when it loaded the compiled harness. */
const BUILD = Symbol.for('kindgate.compiledHarness');

/** The directory of the compiled harness this process runs from; undefined when it runs the sources. */
export function compiledHarnessDir(): string | undefined {
  return (globalThis as Record<symbol, { dir?: string } | undefined>)[BUILD]?.dir;
}

/** A source module's compiled copy, when it is a compiled module (not a test file) and present. */
export function compiledCopy(buildDir: string, sourcePath: string): string | undefined {
  const path = relative(packageRoot, sourcePath);
  if (path.startsWith('..') || !/^(harness|suites)\/.*\.ts$/.test(path) || /\.(test|test-helper)\.ts$/.test(path))
    return undefined;
  const copy = join(buildDir, path.replace(/\.ts$/, '.js'));
  return existsSync(copy) ? copy : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The vitest test options and vite options that make the worker load the compiled modules; none without a build. */
export function compiledSuiteOptions(buildDir = compiledHarnessDir()): { build?: string; test: object; vite: object } {
  if (!buildDir) return { test: {}, vite: {} };
  return {
    build: buildDir,
    // The build and the client bundle it imports, both in the compiled harness's cache.
    test: { server: { deps: { external: [new RegExp(`^${escapeRegExp(dirname(buildDir))}/`)] } } },
    vite: {
      plugins: [
        {
          name: 'kindgate-compiled-harness',
          enforce: 'pre',
          resolveId(id: string, importer?: string) {
            if (!importer || !id.startsWith('.') || !id.endsWith('.ts')) return null;
            return compiledCopy(buildDir, resolve(dirname(importer), id)) ?? null;
          },
        },
      ],
    },
  };
}

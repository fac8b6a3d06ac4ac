import { defineConfig } from 'vitest/config';

// Four tiers (see README): unit = pure logic; sim = the suites and harness paths against the
// in-process simulated cluster; docker = the parts that touch a real Docker engine; go = the
// upstream conformance suite built with the Go toolchain and run against the simulated cluster.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['harness/**/*.test.ts', 'scripts/**/*.test.ts', 'suites/**/*.unit.test.ts'],
          // Pure logic: sharing one module graph across files halves the tier's time.
          isolate: false,
          exclude: ['**/*.sim.test.ts', '**/*.docker.test.ts', '**/*.go.test.ts', 'node_modules/**'],
        },
      },
      {
        test: {
          name: 'sim',
          include: ['harness/**/*.sim.test.ts', 'suites/**/*.test.ts'],
          exclude: ['suites/**/*.unit.test.ts', 'node_modules/**'],
          globalSetup: ['suites/setup/sim.ts'],
          isolate: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'docker',
          include: ['harness/**/*.docker.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'go',
          // The upstream conformance suite built from its pinned Go module with the `go` on PATH:
          // minutes the first time (module downloads, compile), seconds once the Go caches are warm.
          // fileParallelism false puts it, with docker, in vitest's one-file-at-a-time group that
          // starts after unit and sim, so a cold build never competes with their timeouts.
          include: ['harness/**/*.go.test.ts'],
          testTimeout: 20 * 60_000,
          hookTimeout: 20 * 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

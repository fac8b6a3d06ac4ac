import { defineConfig } from 'vitest/config';

// Three tiers (see README): unit = pure logic; sim = the suites and harness paths against the
// in-process simulated cluster; docker = the parts that touch a real Docker engine.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['harness/**/*.test.ts', 'scripts/**/*.test.ts', 'suites/**/*.unit.test.ts'],
          // Pure logic: sharing one module graph across files halves the tier's time.
          isolate: false,
          exclude: ['**/*.sim.test.ts', '**/*.docker.test.ts', 'node_modules/**'],
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
    ],
  },
});

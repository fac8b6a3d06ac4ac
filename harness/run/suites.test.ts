import { describe, expect, it } from 'vitest';
import { suitePasses } from './suites.ts';

describe('suite passes', () => {
  it('runs every suite, troubleshooting last (it attaches extra routes to the fixture Gateway)', () => {
    expect(suitePasses()).toEqual([
      {
        include: ['suites/**/*.test.ts'],
        exclude: ['suites/troubleshooting/*.test.ts', 'suites/**/*.unit.test.ts'],
        sequential: false,
      },
      { include: ['suites/troubleshooting/*.test.ts'], exclude: [], sequential: true },
    ]);
  });

  it('runs only the chosen suites', () => {
    expect(suitePasses(['routing', 'gateway'])).toEqual([
      { include: ['suites/routing.test.ts', 'suites/gateway-status.test.ts'], exclude: [], sequential: false },
    ]);
    expect(suitePasses(['troubleshooting'])).toEqual([
      { include: ['suites/troubleshooting/*.test.ts'], exclude: [], sequential: true },
    ]);
  });
});

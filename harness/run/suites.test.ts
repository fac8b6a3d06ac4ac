import { describe, expect, it } from 'vitest';
import { runOrder, suiteSelection } from './suites.ts';

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

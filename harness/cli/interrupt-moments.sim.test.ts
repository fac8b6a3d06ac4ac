import { describe, expect, it } from 'vitest';
import { describeOutcome, interruptAt, moments, startCpuBurners } from '../../scripts/interrupt-check.ts';

// The short version of scripts/interrupt-check.ts (ten moments from 0.5 s): three moments, every core
// busy. From 1.5 s: on a loaded CI machine Node alone may take past 0.5 s before it runs any of
// kindgate, and no program can handle a signal before that.
describe('Ctrl-C at any moment of `kindgate test --provider sim`, under CPU load', () => {
  it('ends with the teardown done, exit 130, nothing left, and JUnit once the suites started', async () => {
    const stop = startCpuBurners(undefined, 100_000);
    try {
      for (const delay of moments(3, 1.5, 6)) {
        const outcome = await interruptAt(delay);
        expect(outcome.problems, describeOutcome(outcome)).toEqual([]);
      }
    } finally {
      stop();
    }
  }, 240_000);
});

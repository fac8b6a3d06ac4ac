import { describe, expect, it } from 'vitest';
import { describeOutcome, interruptAt, moments, startCpuBurners } from '../../scripts/interrupt-check.ts';

// The short version of scripts/interrupt-check.ts (ten moments): three moments from 0.5 s to 3.5 s,
// every core busy. A whole sim run now ends in about 3 to 6 s under that load, so a later moment can
// find the run already finished (exit 0), which says nothing about interrupts. On a loaded machine Node alone may take longer than 0.5 s to start; the signal
// then goes as soon as kindgate's handlers are in place (no program can handle one before that).
describe('Ctrl-C at any moment of `kindgate test --provider sim`, under CPU load', () => {
  it('ends with the teardown done, exit 130, nothing left, and JUnit once the suites started', async () => {
    const stop = startCpuBurners(undefined, 100_000);
    try {
      for (const delay of moments(3, 0.5, 3.5)) {
        const outcome = await interruptAt(delay);
        expect(outcome.problems, describeOutcome(outcome)).toEqual([]);
      }
    } finally {
      stop();
    }
  }, 240_000);
});

import { describe, expect, it } from 'vitest';
import { describeOutcome, interruptAt, keepCpusBusy, moments } from '../../scripts/interrupt-check.ts';

// The short version of scripts/interrupt-check.ts (ten moments from 0.1 s to 2 s): three moments,
// every core busy (busy loops fill what the other test files leave idle): before the suites, as
// vitest starts, in the suites (a sim run takes 1.5 to 3 s here; one that ended first is no
// failure). On a loaded machine Node alone may take longer than 0.2 s to start; the signal then
// goes as soon as kindgate's handlers are in place (no program can handle one before that).
describe('Ctrl-C at any moment of `kindgate test --provider sim`, under CPU load', () => {
  it('ends with the teardown done, exit 130, nothing left, and JUnit once the suites started', async () => {
    const stop = keepCpusBusy(100_000);
    try {
      const outcomes = [];
      for (const delay of moments(3, 0.2, 1.2)) {
        const outcome = await interruptAt(delay);
        expect(outcome.problems, describeOutcome(outcome)).toEqual([]);
        outcomes.push(outcome);
      }
      // The first moment is always inside the run; a run over before a later one is no failure.
      expect(outcomes[0].endedFirst).toBe(false);
    } finally {
      stop();
    }
  }, 240_000);
});

import { describe, expect, it } from 'vitest';
import { newSeed, seededRandom } from './seeded-random.ts';

describe('seededRandom', () => {
  it('repeats its sequence for a seed, differs across seeds, stays in [0, 1) and spreads evenly', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    const other = seededRandom(43);
    expect(Array.from({ length: 5 }, () => other())).not.toEqual(first);
    const draws = Array.from({ length: 10_000 }, seededRandom(7));
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
    const belowTenth = draws.filter((x) => x < 0.1).length;
    expect(belowTenth).toBeGreaterThan(800);
    expect(belowTenth).toBeLessThan(1200);
  });

  it('new seeds are whole numbers a flag accepts', () => {
    for (let i = 0; i < 100; i++) {
      const seed = newSeed();
      expect(Number.isInteger(seed) && seed >= 1 && seed <= 2 ** 32 - 1).toBe(true);
    }
  });
});

/**
 * A small seeded pseudo-random source (mulberry32: 32-bit state, uniform in [0, 1)), so a run of
 * the sim with faults can be repeated with `--sim-seed`. Not for anything secret.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed for a run that was given none: printed, so the run can be repeated. */
export function newSeed(): number {
  return 1 + Math.floor(Math.random() * 0xfffffffe);
}

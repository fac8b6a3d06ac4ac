import { mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Caches under TMPDIR that a kindgate start-up reads and that are meant to outlive runs: tsx's
 * transform cache, Node's compile cache (Node 22+; npm 11 turns it on for itself, so `npx` leaves
 * it) and kindgate's compiled harness (scripts/compiled-harness.js). A test that gives a run a
 * TMPDIR of its own links them in, so the run starts as a user's does, and does not count them
 * as left behind.
 */
const uid = process.geteuid?.() ?? 0;
export const START_UP_CACHES = [`tsx-${uid}`, 'node-compile-cache', `kindgate-harness-${uid}`];

export function isStartUpCache(name: string): boolean {
  return START_UP_CACHES.includes(name);
}

/** Links the shared caches (made private when missing) into `dir`, a run's own TMPDIR. */
export function linkStartUpCaches(dir: string, caches = START_UP_CACHES): void {
  for (const cache of caches) {
    mkdirSync(join(tmpdir(), cache), { recursive: true, mode: 0o700 });
    symlinkSync(join(tmpdir(), cache), join(dir, cache));
  }
}

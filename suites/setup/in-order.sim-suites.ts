import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOrder } from '../../harness/run/suites.ts';

/**
 * The `sim-suites` project's one test file: every suite file, in the order `kindgate test` runs
 * them (the other suites by name, then troubleshooting's cases by number: they attach routes to
 * the Gateway whose attached routes the gateway suite counts), one after another in one worker
 * against the sim of suites/setup/sim.ts. One file, so the project runs beside the other tiers
 * instead of after all of them (vitest runs a one-worker project's several files last).
 */
const suitesDir = dirname(dirname(fileURLToPath(import.meta.url)));
const files = readdirSync(suitesDir, { recursive: true })
  .map(String)
  .filter((file) => file.endsWith('.test.ts') && !file.endsWith('.unit.test.ts'))
  .map((file) => join(suitesDir, file))
  .sort(runOrder);

for (const file of files) await import(file);

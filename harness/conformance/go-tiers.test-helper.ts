import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../exec.ts';
import { createMemoryLogger } from '../log.ts';
import { checkGo } from './go-toolchain.ts';
import { TEST_BINARY } from './test-binary.ts';
import { planWorkspace } from './workspace.ts';

/**
 * What the go and conformance tiers share: the kindgate cache directory their runs use (Go's
 * module and build caches, the suite's kept test binary), outside the repository and kept across
 * test runs, and whether the suite is already built there.
 */
export const goTiersCacheDir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kindgate-test');

/**
 * Whether a test binary of the pinned suite is kept in `cacheDir` (for some Go: a Go upgrade
 * rebuilds it once). When it is, a tier's run takes seconds and can run beside the others; when
 * not, its first run compiles for minutes.
 */
export function suiteBinaryKept(cacheDir = goTiersCacheDir): boolean {
  const binDir = join(planWorkspace(cacheDir, undefined).dir, 'bin');
  const keys = existsSync(binDir) ? readdirSync(binDir).filter((name) => !name.startsWith('.')) : [];
  return keys.some((key) => existsSync(join(binDir, key, TEST_BINARY)));
}

/**
 * The `go` on PATH for a tier: its version, or why the tier is skipped (said loudly: a skipped
 * tier must not pass unnoticed).
 */
export async function goForTier(tier: string): Promise<{ version?: string; skipReason?: string }> {
  try {
    return { version: await checkGo(runCommand, createMemoryLogger()) };
  } catch (error) {
    const skipReason = (error as Error).message;
    console.warn(`\n!!! kindgate ${tier} test tier SKIPPED: ${skipReason} These tests did not run.\n`);
    return { skipReason };
  }
}

import type { RunOptions } from '../config/options.ts';
import { parseRunOptions } from '../config/parse.ts';
import { DETACHED_STATE_ENV } from '../run/detached-state.ts';

/**
 * Which JavaScript libraries a command line will load to reach a cluster, so that the launcher
 * (scripts/kindgate.js), when it runs the TypeScript sources through tsx, loads them before tsx's
 * hooks, where loading them is cheaper (the compiled harness needs no such help). Asked of the
 * same option parser the command uses, so a refused command line loads none of them.
 */

export const KUBERNETES_CLIENT = '@kubernetes/client-node';
/** vitest's node API: `kindgate test` runs the suites with it. */
export const VITEST_NODE_API = 'vitest/node';
/** What runs external commands (harness/exec.ts): the engine and kind for gc and the kind provider, go for conformance. */
export const COMMAND_RUNNER = 'execa';

/**
 * The libraries `kindgate <argv>` loads once its options are good: none for a command line the
 * parser refuses (main reports it), for help and --dry-run plans (they print), for the parent of
 * `up --provider sim --detach` (it starts the background process and waits for its record) and for
 * down (it signals a process, or loads kind's part for a kind record).
 */
export function librariesToPreload(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const [command, ...rest] = argv;
  if (command !== 'test' && command !== 'up' && command !== 'conformance' && command !== 'gc') return [];
  if (rest.includes('--help') || rest.includes('-h')) return [];
  let options: RunOptions;
  try {
    options = parseRunOptions(command, rest, env);
  } catch {
    return [];
  }
  if (command === 'gc') return [COMMAND_RUNNER]; // it lists through the engine's CLI, --dry-run too
  if (options.dryRun) return [];
  if (command === 'up' && options.detach && options.provider === 'sim' && !env[DETACHED_STATE_ENV]) return [];
  return [
    KUBERNETES_CLIENT,
    ...(command === 'test' ? [VITEST_NODE_API] : []),
    ...(options.provider === 'kind' || command === 'conformance' ? [COMMAND_RUNNER] : []),
  ];
}

#!/usr/bin/env node
// Launcher: the harness is TypeScript; tsx loads it on Node 20+ without a build step.
import { register } from 'tsx/esm/api';

// The JavaScript libraries a run loads anyway are loaded before tsx's hooks are registered: the
// hooks run on a thread of their own that every later module's resolve and load crosses, which
// for the ~900 modules of the Kubernetes client and vitest's node API costs more than loading
// them (about a second of CPU). Only for commands that reach a cluster; --help stays quick.
const [command, ...rest] = process.argv.slice(2);
const planOnly = rest.some((arg) => arg === '--help' || arg === '-h' || arg === '--dry-run');
if (!planOnly && ['test', 'up', 'conformance'].includes(command)) {
  await import('@kubernetes/client-node');
  if (command === 'test') await import('vitest/node');
}

register();
const { main } = await import('../harness/cli/main.ts');
const code = await main(process.argv.slice(2));
// Teardown is done when main returns; exit even if a library left a keep-alive socket or timer,
// once stdout (possibly a pipe) has been flushed.
process.stdout.write('', () => process.exit(code));

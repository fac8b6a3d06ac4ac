#!/usr/bin/env node
// Launcher: the harness is TypeScript; tsx loads it on Node 20+ without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../harness/cli/main.ts');
const code = await main(process.argv.slice(2));
// Teardown is done when main returns; exit even if a library left a keep-alive socket or timer,
// once stdout (possibly a pipe) has been flushed.
process.stdout.write('', () => process.exit(code));

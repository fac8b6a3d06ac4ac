#!/usr/bin/env node
// Launcher: the harness is TypeScript; tsx loads it on Node 20+ without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../harness/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

// Loaded with `node --import` before kindgate's launcher (start-up.sim.test.ts): writes every
// module the process loads, one file URL or path a line, to the file $KINDGATE_LOAD_LOG names.
// Plain JavaScript: it runs before tsx is registered.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

const log = process.env.KINDGATE_LOAD_LOG;

/**
 * In the loader's hooks thread: every ES module (and CommonJS entry) an import loads. Loads, not
 * resolutions: building the compiled harness resolves every library by name without loading it.
 */
export async function load(url, context, next) {
  appendFileSync(log, `${url}\n`);
  return next(url, context);
}

if (isMainThread) {
  register(import.meta.url);
  // What require() loaded (CommonJS, and ES modules required on Node 20.19+) never crosses the
  // hooks above: require's cache holds it when the process exits.
  const { cache } = createRequire(import.meta.url);
  process.on('exit', () => appendFileSync(log, Object.keys(cache).join('\n') + '\n'));
}

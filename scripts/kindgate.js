#!/usr/bin/env node
// Launcher: the harness is TypeScript, run from a compiled copy kept in a cache (made on the first
// start-up after a change), or through tsx; no build step either way.

// Until a run installs its own handlers (harness/run/interrupt.ts), a signal finds nothing to tear
// down: say so and exit with the conventional code. Installed before anything loads, so a Ctrl-C
// while tsx and the harness load ends like any other interrupt instead of killing the process.
// Once the command has returned (torn down, reports written) a signal changes nothing: the
// process exits with the command's code, saying nothing more.
const EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
let finishedWith;
for (const [signal, code] of Object.entries(EXIT_CODES)) {
  process.on(signal, () => {
    if (finishedWith !== undefined) process.exit(finishedWith);
    if (process.listenerCount(signal) > 1) return; // a run is under way: its own handler tears down
    process.stderr.write(`! ${signal} received: nothing was started\n✓ teardown done (nothing to tear down)\n`);
    process.exit(code);
  });
}
// A closed stdout or stderr (`kindgate test 2>&1 | head -1`) must not crash the run with an
// unhandled EPIPE: what is written is lost and the run goes on (`up` tears down: its stdout lines
// are its contract, see harness/cli/up-command.ts).
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

const argv = process.argv.slice(2);
// V8's optimizing compiler (TurboFan) compiles hot functions on threads of its own: in a run of a
// few seconds that work rarely pays back (a tenth of a sim run's CPU on Node 20, none gained in
// wall time, the upstream suite against the sim included). Node 22 and later still optimize with
// Maglev, the cheaper tier. The suites' vitest worker gets the same flag (harness/run/suites.ts).
// `node --max-opt=N scripts/kindgate.js` (or --turbofan) keeps the caller's choice.
if (!process.execArgv.some((flag) => /^--(max-opt|turbofan|opt|no-turbofan|no-opt)\b/.test(flag))) {
  (await import('node:v8')).setFlagsFromString('--max-opt=2');
}
// Node 22.1+ keeps V8's compiled code of the modules a run loads in its compile cache (Node's own
// directory, <tmpdir>/node-compile-cache, which npm uses too), so a later run skips compiling
// them: about 15% of a sim run's CPU on Node 24. The vitest worker inherits it through
// NODE_COMPILE_CACHE. Node 20 has no such cache.
const { createRequire, enableCompileCache } = await import('node:module');
if (enableCompileCache && !process.env.NODE_DISABLE_COMPILE_CACHE) {
  const { directory } = enableCompileCache();
  if (directory && !process.env.NODE_COMPILE_CACHE) process.env.NODE_COMPILE_CACHE = directory;
}

// The harness compiled to JavaScript (scripts/compiled-harness.js) loads natively, without tsx.
// Asking for stack traces (--verbose, KINDGATE_DEBUG) loads the TypeScript sources through tsx
// instead, so a trace names the source lines; KINDGATE_COMPILED_HARNESS=0 does too.
const verbose = argv.includes('--verbose') || Boolean(process.env.KINDGATE_DEBUG);
const compiled =
  verbose || process.env.KINDGATE_COMPILED_HARNESS === '0'
    ? undefined
    : await (await import('./compiled-harness.js')).compiledHarness();
const require = createRequire(import.meta.url);
let main;
if (compiled) {
  // Loaded natively, each library when a command first uses it (a refused command line loads none).
  // The suites' vitest worker loads the same build (harness/run/compiled-suites.ts).
  globalThis[Symbol.for('kindgate.compiledHarness')] = compiled;
  ({ main } = await import(compiled.main));
} else {
  const { register } = await import('tsx/esm/api');
  // The JavaScript libraries a run loads anyway are loaded before tsx's hooks are registered: the
  // hooks run on a thread of their own that every later module's resolve and load crosses, which
  // for the ~900 modules of the Kubernetes client and vitest's node API costs more than loading
  // them (about a second of CPU). Which ones a command line needs, kindgate's own option parser
  // says (harness/cli/preload.ts, loaded through tsx's in-thread require hook, which is not the
  // hooks thread): none when it refuses the command line, for --help, a --dry-run plan and down.
  if (['test', 'up', 'conformance', 'gc'].includes(argv[0]) && !argv.includes('--help') && !argv.includes('-h')) {
    const { register: registerRequire } = await import('tsx/cjs/api');
    const scoped = registerRequire({ namespace: 'kindgate-preload' });
    const { librariesToPreload } = scoped.require('../harness/cli/preload.ts', import.meta.url);
    scoped.unregister();
    for (const name of librariesToPreload(argv)) await preload(name);
  }
  register();
  ({ main } = await import('../harness/cli/main.ts'));
}

// require() of an ES module (Node 20.19+) loads it in one synchronous pass, cheaper than import()
// on Node 20; the harness's imports then get the same module. import() where require cannot.
async function preload(name) {
  try {
    require(name);
  } catch {
    await import(name);
  }
}

finishedWith = await main(argv);
// Teardown is done when main returns; exit even if a library left a keep-alive socket or timer,
// once stdout (possibly a pipe) has been flushed.
process.stdout.write('', () => process.exit(finishedWith));

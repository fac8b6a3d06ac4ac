// Builds the compiled harness (see compiled-harness.js): every TypeScript module of harness/ and
// suites/ that is not a test, each transformed on its own to JavaScript beside the same relative
// path, and the Kubernetes client bundled into one module. Loaded only when the cache has no fresh
// build.
//
// A compiled module must behave as its source does from the source's place, so:
// - import.meta.url is the source's URL (paths to fixtures/, package.json, the Go module);
// - `./x.ts` imports become `./x.js` (the compiled sibling); other relative imports (JSON) and
//   packages become the absolute URLs the source would load, resolved here as Node resolves them
//   from the package root (no module of harness/ or suites/ has a node_modules of its own);
// - `@kubernetes/client-node` becomes the bundle: its ~800 modules in one file load in half the
//   CPU. Its own dependencies are bundled with it; a require() they make at run time (optional
//   native add-ons) resolves from the client's installed directory, as it would unbundled.

import {
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, transform } from 'esbuild';
import { init, parse } from 'es-module-lexer';
import { installedPackageDir, sha256 } from './compiled-harness.js';

const SOURCE_DIRS = ['harness', 'suites'];
/** The files that make the build, besides what it compiles (tsconfig.json: how TypeScript is read, as tsx reads it). */
const BUILDER = ['scripts/compiled-harness.js', 'scripts/build-harness.js', 'tsconfig.json'];
const CLIENT = '@kubernetes/client-node';
/** Where in its directory the client's bundle is: the path names the package, as it would unbundled. */
const CLIENT_BUNDLE = `node_modules/${CLIENT}/bundle.js`;
/** Node 20.19 is the oldest Node kindgate supports (package.json engines). */
const TARGET = 'node20.19';
/** Builds of other checkouts or older sources not used for this long are removed when a new one is made. */
const UNUSED_BUILD_MS = 7 * 24 * 3600_000;

/** The modules that are compiled: TypeScript under harness/ and suites/, not tests, helpers or declarations. */
export function harnessSources(packageRoot) {
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(packageRoot, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (/\.ts$/.test(entry.name) && !/\.(test|test-helper|d)\.ts$/.test(entry.name)) out.push(path);
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  return out.sort();
}

/**
 * Makes the build (and the client's bundle, unless a fresh one is there) in private staging
 * directories and moves them into place; a concurrent identical build may win, which is as good.
 */
export async function buildHarness({ packageRoot, cacheDir, pointer }) {
  // The modules name each other by absolute URL: the cache's real path, not a link to it that may go.
  cacheDir = realpathSync(cacheDir);
  const staging = join(cacheDir, `.staging-${process.pid}-${Date.now()}`);
  mkdirSync(join(staging, 'client'), { recursive: true, mode: 0o700 });
  // An interrupt during the build exits the process (the launcher's handler): leave no staging behind.
  const removeStaging = () => rmSync(staging, { recursive: true, force: true });
  process.once('exit', removeStaging);
  try {
    const sources = harnessSources(packageRoot);
    // Read once: what is hashed is what is compiled, even if a file changes meanwhile.
    const contents = new Map(sources.map((file) => [file, readFileSync(join(packageRoot, file))]));
    const tsconfigRaw = readFileSync(join(packageRoot, 'tsconfig.json'), 'utf8');
    const transformed = await Promise.all(
      sources.map((file) => transformModule(packageRoot, file, contents.get(file), tsconfigRaw)),
    );
    const client = await clientBundle(cacheDir, join(staging, 'client'), clientExportsUsed(transformed));
    const libraries = { [CLIENT]: client.url };
    const harness = join(staging, 'harness');
    const compiled = new Set(sources);
    const outputs = transformed.map((module) => {
      const out = module.file.replace(/\.ts$/, '.js');
      mkdirSync(dirname(join(harness, out)), { recursive: true, mode: 0o700 });
      writeFileSync(join(harness, out), linkModule(packageRoot, module, compiled, libraries));
      return out;
    });
    const inputs = { ...client.inputs };
    const named = Object.entries(libraries).filter(([name]) => name !== CLIENT);
    for (const file of [...BUILDER, ...sources, ...named.map(([, url]) => relative(packageRoot, packageJsonOf(url)))]) {
      inputs[file] = sha256(contents.get(file) ?? readFileSync(join(packageRoot, file)));
    }
    // The place too: a build names its sources (import.meta.url) and libraries by absolute path, so
    // two checkouts of the same sources each get their own.
    const key = sha256(JSON.stringify([packageRoot, ...Object.entries(inputs).sort()]));
    // The client's bundle is outside the build's directory: listed by its path from there.
    const manifest = {
      inputs,
      outputs: [...outputs, relative(join(cacheDir, key), client.path)].sort(),
      uses: [client.dir],
    };
    writeFileSync(join(harness, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
    const final = join(cacheDir, key);
    // The same build is there but lost files (a TMPDIR cleaner): it is replaced, not reused.
    if (outputs.some((file) => !statSync(join(final, file), { throwIfNoEntry: false }))) removeAside(final);
    moveIntoPlace(harness, final);
    writeAtomically(join(cacheDir, pointer), `${key}\n`);
    removeUnusedBuilds(cacheDir, [key, client.dir]);
  } finally {
    process.removeListener('exit', removeStaging);
    removeStaging();
  }
}

/**
 * The Kubernetes client bundled with its dependencies (only the exports the harness uses), shared
 * by every build made with the same installed client and the same exports:
 * <cacheDir>/client-<hash of its package.json, place and exports>/. Its manifest lists the
 * package.json of every package bundled, which every build using it checks.
 */
async function clientBundle(cacheDir, staging, exports) {
  const clientDir = installedPackageDir(CLIENT);
  const identity = JSON.stringify([clientDir, readFileSync(join(clientDir, 'package.json'), 'utf8'), exports ?? '*']);
  const name = `client-${sha256(identity).slice(0, 32)}`;
  const dir = join(cacheDir, name);
  const path = join(dir, CLIENT_BUNDLE);
  const packageRoot = fileURLToPath(new URL('../', import.meta.url));
  try {
    const { inputs } = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const fresh = Object.entries(inputs).every(
      ([file, hash]) => sha256(readFileSync(join(packageRoot, file))) === hash,
    );
    if (fresh && statSync(path, { throwIfNoEntry: false }))
      return { dir: name, path, url: pathToFileURL(path).href, inputs };
  } catch {
    // none yet, or unreadable: bundle it
  }
  const bundled = await bundleClient(join(staging, CLIENT_BUNDLE), exports);
  const inputs = {};
  for (const file of new Set(bundled)) inputs[relative(packageRoot, file)] = sha256(readFileSync(file));
  writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify({ inputs }, null, 1)}\n`);
  removeAside(dir); // a stale one (its packages changed in place) or one that lost its bundle
  moveIntoPlace(staging, dir);
  return { dir: name, path, url: pathToFileURL(path).href, inputs };
}

/** A module transformed to JavaScript as the source would run from its place (import.meta.url), and its imports. */
async function transformModule(packageRoot, file, source, tsconfigRaw) {
  const sourceUrl = pathToFileURL(join(packageRoot, file)).href;
  const { code } = await transform(source, {
    loader: 'ts',
    tsconfigRaw,
    format: 'esm',
    target: TARGET,
    sourcefile: file,
    define: { 'import.meta.url': JSON.stringify(sourceUrl) },
  });
  await init;
  const [imports] = parse(code);
  return { file, code, imports };
}

/** The module with each import pointing where the source's would load from (see the top of this file). */
function linkModule(packageRoot, { file, code, imports }, compiled, libraries) {
  let out = '';
  let at = 0;
  for (const { n: specifier, s, e } of imports) {
    if (specifier === undefined) continue; // import.meta, or an import() of a computed name (none in the harness)
    const target = compiledSpecifier(packageRoot, file, specifier, compiled, libraries);
    if (target === specifier) continue;
    const quoted = /^['"]/.test(code.slice(s, e));
    out += code.slice(at, s) + (quoted ? JSON.stringify(target) : target);
    at = e;
  }
  return out + code.slice(at);
}

function compiledSpecifier(packageRoot, file, specifier, compiled, libraries) {
  if (libraries[specifier]) return libraries[specifier];
  if (specifier.startsWith('./') || specifier.startsWith('../')) {
    const target = relative(packageRoot, join(packageRoot, dirname(file), specifier));
    if (!target.endsWith('.ts')) return pathToFileURL(join(packageRoot, target)).href;
    if (!compiled.has(target))
      throw new Error(`${file} imports ${specifier}, which is not part of the compiled harness`);
    return specifier.replace(/\.ts$/, '.js');
  }
  if (specifier.startsWith('node:')) return specifier;
  const url = import.meta.resolve(specifier);
  if (!url.startsWith('file:')) return specifier; // a Node builtin named without node:
  libraries[specifier] = url;
  return url;
}

/**
 * The client's exports the harness imports, so the bundle leaves out the rest (most of the
 * client's generated API classes: two thirds of its size, half its load time); undefined (all of
 * them) when a module imports its namespace or default, or imports it dynamically.
 */
function clientExportsUsed(modules) {
  const names = new Set();
  for (const { code, imports } of modules) {
    for (const { n, ss, se, d } of imports) {
      if (n !== CLIENT) continue;
      const named = d === -1 && /^(?:import|export)\s*\{([^}]*)\}\s*from\s*["']/.exec(code.slice(ss, se));
      if (!named) return undefined;
      for (const part of named[1].split(',')) if (part.trim()) names.add(part.trim().split(/\s+as\s+/)[0]);
    }
  }
  return [...names].sort();
}

/** Bundles the client (`exports` of it, or all) with its dependencies; returns the package.json of every package bundled. */
async function bundleClient(outfile, exports) {
  const clientDir = installedPackageDir(CLIENT);
  const entry = fileURLToPath(import.meta.resolve(CLIENT));
  const clientRequire = `__kindgateCreateRequire(${JSON.stringify(pathToFileURL(join(clientDir, 'package.json')).href)})`;
  const { metafile } = await build({
    ...(exports
      ? {
          stdin: { contents: `export { ${exports.join(', ')} } from ${JSON.stringify(entry)};`, resolveDir: clientDir },
        }
      : { entryPoints: [entry] }),
    metafile: true,
    absWorkingDir: clientDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: TARGET,
    outfile,
    logLevel: 'silent',
    banner: {
      js: `import { createRequire as __kindgateCreateRequire } from 'node:module'; const require = ${clientRequire};`,
    },
  });
  return Object.keys(metafile.inputs)
    .map((input) => resolve(clientDir, input))
    .filter((path) => path.includes('/node_modules/'))
    .map(packageJsonOf);
}

/** The package.json of the installed package a file belongs to. */
function packageJsonOf(fileOrUrl) {
  const path = fileOrUrl.startsWith('file:') ? fileURLToPath(fileOrUrl) : fileOrUrl;
  const at = path.lastIndexOf('/node_modules/');
  const rest = path.slice(at + '/node_modules/'.length).split('/');
  const name = rest[0].startsWith('@') ? rest.slice(0, 2).join('/') : rest[0];
  return join(path.slice(0, at), 'node_modules', name, 'package.json');
}

function moveIntoPlace(staging, final) {
  try {
    renameSync(staging, final);
  } catch (error) {
    // Another process made the same build first: theirs is as good as ours.
    if (!['EEXIST', 'ENOTEMPTY'].includes(error.code)) throw error;
  }
}

/** Removes a directory by first renaming it, so no run finds it half removed. */
function removeAside(dir) {
  const aside = `${dir}.removing-${process.pid}`;
  try {
    renameSync(dir, aside);
  } catch {
    return; // not there (or another process moved it first)
  }
  rmSync(aside, { recursive: true, force: true });
}

function writeAtomically(path, text) {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, path);
}

/**
 * Removes builds (and client bundles) not used for a week: the cache would otherwise grow by one
 * build per edit of the sources. A build in use is touched by every start-up that uses it.
 */
function removeUnusedBuilds(cacheDir, current) {
  const now = Date.now();
  for (const name of current) utimesSync(join(cacheDir, name), now / 1000, now / 1000);
  const names = readdirSync(cacheDir);
  for (const name of names.filter((n) => !current.includes(n) && !n.startsWith('checkout-'))) {
    const stat = statSync(join(cacheDir, name), { throwIfNoEntry: false });
    if (stat && now - stat.mtimeMs > UNUSED_BUILD_MS) rmSync(join(cacheDir, name), { recursive: true, force: true });
  }
  // Pointers of checkouts whose build is gone (a removed clone) go too.
  for (const name of names.filter((n) => n.startsWith('checkout-'))) {
    const key = readFileSync(join(cacheDir, name), 'utf8').trim();
    if (!statSync(join(cacheDir, key), { throwIfNoEntry: false })) rmSync(join(cacheDir, name), { force: true });
  }
}
